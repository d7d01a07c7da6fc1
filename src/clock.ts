/** Milliseconds since the epoch. Injected everywhere a rule depends on time, so tests need no sleep. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
