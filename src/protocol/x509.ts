// The one X.509 library of the provider (@peculiar/x509, RFC 5280 certificates and CRLs), used for
// business certificates (business-certificate.ts) and for the x5c of our own signing keys
// (keys/self-signed-certificate.ts). It needs a Reflect metadata polyfill loaded before it, which
// this module guarantees by importing it first: import X.509 from here, never from the package
// (docs/traps.md, reflect-polyfill).
import 'reflect-metadata';

export * from '@peculiar/x509';
