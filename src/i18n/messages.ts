// Every user-facing text, in Bokmål (default), Nynorsk, English and Northern Sami.
import type { Locale } from './locale.js';

export interface Messages {
  htmlLang: string;
  languageName: string;
  errorTitle: string;
  errorIntro: string;
  errorIntroWithClient: (clientName: string) => string;
  errorCodeLabel: string;
  referenceLabel: string;
  errorAdvice: string;
  languageSwitcherLabel: string;
}

export const messages: Record<Locale, Messages> = {
  nb: {
    htmlLang: 'nb',
    languageName: 'Bokmål',
    errorTitle: 'Innloggingen kunne ikke fullføres',
    errorIntro: 'Tjenesten du kom fra sendte en forespørsel vi ikke kan behandle.',
    errorIntroWithClient: (name) => `${name} sendte en forespørsel vi ikke kan behandle.`,
    errorCodeLabel: 'Feilkode',
    referenceLabel: 'Referanse',
    errorAdvice: 'Gå tilbake til tjenesten og prøv igjen. Oppgi referansen hvis du kontakter tjenesten.',
    languageSwitcherLabel: 'Språk',
  },
  nn: {
    htmlLang: 'nn',
    languageName: 'Nynorsk',
    errorTitle: 'Innlogginga kunne ikkje fullførast',
    errorIntro: 'Tenesta du kom frå sende ein førespurnad vi ikkje kan handsame.',
    errorIntroWithClient: (name) => `${name} sende ein førespurnad vi ikkje kan handsame.`,
    errorCodeLabel: 'Feilkode',
    referenceLabel: 'Referanse',
    errorAdvice: 'Gå tilbake til tenesta og prøv på nytt. Oppgje referansen dersom du kontaktar tenesta.',
    languageSwitcherLabel: 'Språk',
  },
  en: {
    htmlLang: 'en',
    languageName: 'English',
    errorTitle: 'The login could not be completed',
    errorIntro: 'The service you came from sent a request we cannot process.',
    errorIntroWithClient: (name) => `${name} sent a request we cannot process.`,
    errorCodeLabel: 'Error code',
    referenceLabel: 'Reference',
    errorAdvice: 'Go back to the service and try again. Quote the reference if you contact the service.',
    languageSwitcherLabel: 'Language',
  },
  se: {
    htmlLang: 'se',
    languageName: 'Davvisámegiella',
    errorTitle: 'Sisačáliheapmi ii lihkostuvvan',
    errorIntro: 'Bálvalus gos don bohtet sáddii jearaldaga maid mii eat sáhte meannudit.',
    errorIntroWithClient: (name) => `${name} sáddii jearaldaga maid mii eat sáhte meannudit.`,
    errorCodeLabel: 'Meattáhuskoda',
    referenceLabel: 'Referánsa',
    errorAdvice: 'Mana ruovttoluotta bálvalussii ja geahččal ođđasit. Muital referánssa jus váldát oktavuođa bálvalusain.',
    languageSwitcherLabel: 'Giella',
  },
};
