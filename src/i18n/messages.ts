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
  login: LoginMessages;
  /** AUTHN-01: the eID selector, when more than one eID is offered. */
  selector: SelectorMessages;
  /** IDT-11: the eIDAS test login. */
  eidas: EidasMessages;
  consent: ConsentMessages;
  formPost: { title: string; continue: string };
  logout: LogoutMessages;
}

export interface LogoutMessages {
  loggedOutTitle: string;
  loggedOutText: string;
  noSessionText: string;
  loggingOutTitle: string;
  loggingOutText: string;
  continue: string;
}

/** AUTHZ-27: the consent page. Scope descriptions come from the scope registry as written. */
export interface ConsentMessages {
  title: string;
  intro: (clientName: string) => string;
  remembered: string;
  accept: string;
  decline: string;
}

export interface SelectorMessages {
  title: string;
  intro: (clientName: string) => string;
  /** The button of an external eID (an upstream OpenID Provider). */
  externalSubmit: (eidName: string) => string;
}

export interface EidasMessages {
  title: string;
  notice: string;
  identifierLabel: string;
  firstnameLabel: string;
  lastnameLabel: string;
  dateOfBirthLabel: string;
  levelLegend: string;
  levels: { 'eidas-loa-substantial': string; 'eidas-loa-high': string };
  submit: string;
  problems: Record<'eidas-identifier' | 'eidas-firstname' | 'eidas-lastname' | 'eidas-date-of-birth' | 'eidas-acr', string>;
}

export interface LoginMessages {
  title: string;
  intro: (clientName: string) => string;
  testNotice: string;
  pidLabel: string;
  levelLegend: string;
  levels: { 'idporten-loa-substantial': string; 'idporten-loa-high': string };
  submit: string;
  cancel: string;
  problems: Record<'pid-format' | 'pid-check-digits' | 'pid-date' | 'pid-not-synthetic' | 'acr', string>;
  /** The ready test persons (authn/test-persons.ts): the list's legend and each person's label. */
  personsLegend: string;
  persons: Record<'adult' | 'minor' | 'senior' | 'd-number', (age: number) => string>;
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
    login: {
      title: 'Logg inn med TestID',
      intro: (name) => `${name} ber deg logge inn.`,
      testNotice: 'Dette er et testmiljø. Bruk et syntetisk fødselsnummer (måned + 80).',
      pidLabel: 'Fødselsnummer (11 siffer)',
      levelLegend: 'Sikkerhetsnivå',
      levels: { 'idporten-loa-substantial': 'Betydelig (idporten-loa-substantial)', 'idporten-loa-high': 'Høyt (idporten-loa-high)' },
      submit: 'Logg inn',
      cancel: 'Avbryt',
      problems: {
        'pid-format': 'Skriv inn 11 siffer.',
        'pid-check-digits': 'Fødselsnummeret har feil kontrollsiffer.',
        'pid-date': 'Fødselsnummeret inneholder ingen gyldig dato.',
        'pid-not-synthetic': 'Bruk et syntetisk testnummer (måned + 80).',
        acr: 'Velg et sikkerhetsnivå som tjenesten godtar.',
      },
      personsLegend: 'Eller velg en ferdig testperson',
      persons: {
        adult: (age) => `Voksen, ${age} år`,
        minor: (age) => `Under 18, ${age} år`,
        senior: (age) => `Pensjonist, ${age} år`,
        'd-number': (age) => `D-nummer, ${age} år`,
      },
    },
    selector: {
      title: 'Velg innloggingsmetode',
      intro: (name) => `${name} ber deg logge inn. Velg hvordan:`,
      externalSubmit: (eid) => `Logg inn med ${eid}`,
    },
    eidas: {
      title: 'Utenlandsk eID (eIDAS)',
      notice: 'Testinnlogging for utenlandske brukere. Skriv inn en syntetisk utenlandsk identitet.',
      identifierLabel: 'eIDAS-identifikator (CC/NO/…)',
      firstnameLabel: 'Fornavn',
      lastnameLabel: 'Etternavn',
      dateOfBirthLabel: 'Fødselsdato (ÅÅÅÅ-MM-DD)',
      levelLegend: 'Sikkerhetsnivå',
      levels: { 'eidas-loa-substantial': 'Betydelig (eidas-loa-substantial)', 'eidas-loa-high': 'Høyt (eidas-loa-high)' },
      submit: 'Logg inn med eIDAS',
      problems: {
        'eidas-identifier': 'Skriv inn en identifikator på formen CC/NO/…, der CC er et annet land enn NO.',
        'eidas-firstname': 'Skriv inn fornavnet (høyst 100 tegn).',
        'eidas-lastname': 'Skriv inn etternavnet (høyst 100 tegn).',
        'eidas-date-of-birth': 'Skriv inn en gyldig fødselsdato på formen ÅÅÅÅ-MM-DD.',
        'eidas-acr': 'Velg et sikkerhetsnivå som tjenesten godtar.',
      },
    },
    consent: {
      title: 'Gi samtykke',
      intro: (name) => `${name} ber om ditt samtykke til å få tilgang til dette på dine vegne:`,
      remembered: 'Samtykket huskes så lenge tilgangen varer.',
      accept: 'Godta',
      decline: 'Avslå',
    },
    formPost: { title: 'Sender deg tilbake til tjenesten', continue: 'Fortsett' },
    logout: {
      loggedOutTitle: 'Du er logget ut',
      loggedOutText: 'Du er nå logget ut av alle tjenester du var logget inn på med denne innloggingen.',
      noSessionText: 'Det var ingen innlogging å logge ut av i denne nettleseren.',
      loggingOutTitle: 'Logger deg ut',
      loggingOutText: 'Vi logger deg ut av tjenestene du har brukt. Dette tar bare et øyeblikk.',
      continue: 'Fortsett',
    },
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
    login: {
      title: 'Logg inn med TestID',
      intro: (name) => `${name} ber deg logge inn.`,
      testNotice: 'Dette er eit testmiljø. Bruk eit syntetisk fødselsnummer (månad + 80).',
      pidLabel: 'Fødselsnummer (11 siffer)',
      levelLegend: 'Tryggleiksnivå',
      levels: { 'idporten-loa-substantial': 'Betydeleg (idporten-loa-substantial)', 'idporten-loa-high': 'Høgt (idporten-loa-high)' },
      submit: 'Logg inn',
      cancel: 'Avbryt',
      problems: {
        'pid-format': 'Skriv inn 11 siffer.',
        'pid-check-digits': 'Fødselsnummeret har feil kontrollsiffer.',
        'pid-date': 'Fødselsnummeret inneheld ingen gyldig dato.',
        'pid-not-synthetic': 'Bruk eit syntetisk testnummer (månad + 80).',
        acr: 'Vel eit tryggleiksnivå som tenesta godtek.',
      },
      personsLegend: 'Eller vel ein ferdig testperson',
      persons: {
        adult: (age) => `Vaksen, ${age} år`,
        minor: (age) => `Under 18, ${age} år`,
        senior: (age) => `Pensjonist, ${age} år`,
        'd-number': (age) => `D-nummer, ${age} år`,
      },
    },
    selector: {
      title: 'Vel innloggingsmetode',
      intro: (name) => `${name} ber deg logge inn. Vel korleis:`,
      externalSubmit: (eid) => `Logg inn med ${eid}`,
    },
    eidas: {
      title: 'Utanlandsk eID (eIDAS)',
      notice: 'Testinnlogging for utanlandske brukarar. Skriv inn ein syntetisk utanlandsk identitet.',
      identifierLabel: 'eIDAS-identifikator (CC/NO/…)',
      firstnameLabel: 'Fornamn',
      lastnameLabel: 'Etternamn',
      dateOfBirthLabel: 'Fødselsdato (ÅÅÅÅ-MM-DD)',
      levelLegend: 'Tryggleiksnivå',
      levels: { 'eidas-loa-substantial': 'Betydeleg (eidas-loa-substantial)', 'eidas-loa-high': 'Høgt (eidas-loa-high)' },
      submit: 'Logg inn med eIDAS',
      problems: {
        'eidas-identifier': 'Skriv inn ein identifikator på forma CC/NO/…, der CC er eit anna land enn NO.',
        'eidas-firstname': 'Skriv inn fornamnet (høgst 100 teikn).',
        'eidas-lastname': 'Skriv inn etternamnet (høgst 100 teikn).',
        'eidas-date-of-birth': 'Skriv inn ein gyldig fødselsdato på forma ÅÅÅÅ-MM-DD.',
        'eidas-acr': 'Vel eit tryggleiksnivå som tenesta godtek.',
      },
    },
    consent: {
      title: 'Gje samtykke',
      intro: (name) => `${name} ber om samtykket ditt til å få tilgang til dette på vegner av deg:`,
      remembered: 'Samtykket vert hugsa så lenge tilgangen varer.',
      accept: 'Godta',
      decline: 'Avslå',
    },
    formPost: { title: 'Sender deg tilbake til tenesta', continue: 'Hald fram' },
    logout: {
      loggedOutTitle: 'Du er logga ut',
      loggedOutText: 'Du er no logga ut av alle tenester du var logga inn på med denne innlogginga.',
      noSessionText: 'Det var inga innlogging å logge ut av i denne nettlesaren.',
      loggingOutTitle: 'Loggar deg ut',
      loggingOutText: 'Vi loggar deg ut av tenestene du har brukt. Dette tek berre eit augneblink.',
      continue: 'Hald fram',
    },
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
    login: {
      title: 'Log in with TestID',
      intro: (name) => `${name} asks you to log in.`,
      testNotice: 'This is a test environment. Use a synthetic national identity number (month + 80).',
      pidLabel: 'National identity number (11 digits)',
      levelLegend: 'Level of assurance',
      levels: { 'idporten-loa-substantial': 'Substantial (idporten-loa-substantial)', 'idporten-loa-high': 'High (idporten-loa-high)' },
      submit: 'Log in',
      cancel: 'Cancel',
      problems: {
        'pid-format': 'Enter 11 digits.',
        'pid-check-digits': 'The number has wrong check digits.',
        'pid-date': 'The number does not contain a valid date.',
        'pid-not-synthetic': 'Use a synthetic test number (month + 80).',
        acr: 'Choose a level of assurance the service accepts.',
      },
      personsLegend: 'Or pick a ready test person',
      persons: {
        adult: (age) => `Adult, ${age} years`,
        minor: (age) => `Under 18, ${age} years`,
        senior: (age) => `Pensioner, ${age} years`,
        'd-number': (age) => `D-number, ${age} years`,
      },
    },
    selector: {
      title: 'Choose how to log in',
      intro: (name) => `${name} asks you to log in. Choose how:`,
      externalSubmit: (eid) => `Log in with ${eid}`,
    },
    eidas: {
      title: 'Foreign eID (eIDAS)',
      notice: 'Test login for foreign users. Enter a synthetic foreign identity.',
      identifierLabel: 'eIDAS identifier (CC/NO/…)',
      firstnameLabel: 'First name',
      lastnameLabel: 'Last name',
      dateOfBirthLabel: 'Date of birth (YYYY-MM-DD)',
      levelLegend: 'Level of assurance',
      levels: { 'eidas-loa-substantial': 'Substantial (eidas-loa-substantial)', 'eidas-loa-high': 'High (eidas-loa-high)' },
      submit: 'Log in with eIDAS',
      problems: {
        'eidas-identifier': 'Enter an identifier of the form CC/NO/…, where CC is a country other than NO.',
        'eidas-firstname': 'Enter the first name (at most 100 characters).',
        'eidas-lastname': 'Enter the last name (at most 100 characters).',
        'eidas-date-of-birth': 'Enter a valid date of birth as YYYY-MM-DD.',
        'eidas-acr': 'Choose a level of assurance the service accepts.',
      },
    },
    consent: {
      title: 'Give consent',
      intro: (name) => `${name} asks for your consent to access the following on your behalf:`,
      remembered: 'Your consent is remembered for as long as the access lasts.',
      accept: 'Accept',
      decline: 'Decline',
    },
    formPost: { title: 'Returning you to the service', continue: 'Continue' },
    logout: {
      loggedOutTitle: 'You are logged out',
      loggedOutText: 'You are now logged out of every service you used with this login.',
      noSessionText: 'There was no login to log out of in this browser.',
      loggingOutTitle: 'Logging you out',
      loggingOutText: 'We are logging you out of the services you used. This takes only a moment.',
      continue: 'Continue',
    },
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
    login: {
      title: 'Čálit sisa TestID:in',
      intro: (name) => `${name} bivdá du čálihit sisa.`,
      testNotice: 'Dát lea geahččalanbiras. Geavat syntehtalaš riegádannummira (mánnu + 80).',
      pidLabel: 'Riegádannummir (11 nummara)',
      levelLegend: 'Sihkkarvuođadássi',
      levels: { 'idporten-loa-substantial': 'Mearkkašahtti (idporten-loa-substantial)', 'idporten-loa-high': 'Alla (idporten-loa-high)' },
      submit: 'Čálit sisa',
      cancel: 'Gaskkalduhte',
      problems: {
        'pid-format': 'Čális 11 nummara.',
        'pid-check-digits': 'Nummiris leat boasttu dárkkistannummarat.',
        'pid-date': 'Nummiris ii leat gustovaš beaivi.',
        'pid-not-synthetic': 'Geavat syntehtalaš geahččalannummira (mánnu + 80).',
        acr: 'Vállje sihkkarvuođadási maid bálvalus dohkkeha.',
      },
      personsLegend: 'Dahje vállje gárvves geahččalanolbmo',
      persons: {
        adult: (age) => `Rávesolmmoš, ${age} jagi`,
        minor: (age) => `Vuollel 18, ${age} jagi`,
        senior: (age) => `Penšuvdnaolmmoš, ${age} jagi`,
        'd-number': (age) => `D-nummir, ${age} jagi`,
      },
    },
    selector: {
      title: 'Vállje sisačálihanvuogi',
      intro: (name) => `${name} bivdá du čálihit sisa. Vállje mo:`,
      externalSubmit: (eid) => `Čálit sisa ${eid} bokte`,
    },
    eidas: {
      title: 'Olgoriikkalaš eID (eIDAS)',
      notice: 'Geahččalansisačáliheapmi olgoriikkalaš geavaheddjiide. Čális syntehtalaš olgoriikkalaš identitehta.',
      identifierLabel: 'eIDAS-identifikáhtor (CC/NO/…)',
      firstnameLabel: 'Ovdanamma',
      lastnameLabel: 'Goargu',
      dateOfBirthLabel: 'Riegádanbeaivi (JJJJ-MM-BB)',
      levelLegend: 'Sihkkarvuođadássi',
      levels: { 'eidas-loa-substantial': 'Mearkkašahtti (eidas-loa-substantial)', 'eidas-loa-high': 'Alla (eidas-loa-high)' },
      submit: 'Čálit sisa eIDAS:in',
      problems: {
        'eidas-identifier': 'Čális identifikáhtora hámis CC/NO/…, gos CC lea eará riika go NO.',
        'eidas-firstname': 'Čális ovdanama (eanemusat 100 mearkka).',
        'eidas-lastname': 'Čális goarggu (eanemusat 100 mearkka).',
        'eidas-date-of-birth': 'Čális gustovaš riegádanbeaivvi hámis JJJJ-MM-BB.',
        'eidas-acr': 'Vállje sihkkarvuođadási maid bálvalus dohkkeha.',
      },
    },
    consent: {
      title: 'Atte miehtama',
      intro: (name) => `${name} bivdá du miehtama oažžut beassama dása du ovddas:`,
      remembered: 'Miehtan muitojuvvo nu guhká go beassan bistá.',
      accept: 'Dohkket',
      decline: 'Hilgo',
    },
    formPost: { title: 'Sádde du ruovttoluotta bálvalussii', continue: 'Joatkke' },
    logout: {
      loggedOutTitle: 'Don leat čálihan olggos',
      loggedOutText: 'Don leat dál čálihan olggos buot bálvalusain maid geavahit dáinna sisačálihemiin.',
      noSessionText: 'Dán neahttalogannas ii lean sisačáliheapmi man sáhtii čálihit olggos.',
      loggingOutTitle: 'Čálihan du olggos',
      loggingOutText: 'Mii čálihit du olggos bálvalusain maid leat geavahan. Dát bistá dušše moadde sekundda.',
      continue: 'Joatkke',
    },
  },
};
