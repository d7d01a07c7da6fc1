// What the test-mode developer pages show that is not the routes' own business: the ready test
// persons (authn/test-persons.ts), re-exported for the routes, which may not reach authn.
export { testPersons } from '../authn/test-persons.js';
