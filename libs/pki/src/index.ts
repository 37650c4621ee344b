export { generateRsaKeyPair, generateRsaKeyPairAsync, type KeyPairPem } from './keys';
export {
  ALWAYS_SERVER_HOSTS,
  createCa,
  createCsr,
  issueClientCert,
  issueServerCert,
  readCsr,
  signClientCsr,
  type CaOptions,
  type CertifiedKey,
  type ClientCertOptions,
  type CsrResult,
  type CsrSummary,
  type LeafOptions,
  type ServerCertOptions,
  type SignCsrOptions,
} from './certificates';
export { CLIENT_ROLES, roleFromSubject, type ClientRole } from './roles';
export {
  certificateFingerprint,
  checkPinnedCa,
  describeCertificate,
  isIssuedBy,
  normalizeFingerprint,
  type CertificateSummary,
} from './inspect';
export {
  JOIN_TOKEN_PREFIX,
  JoinTokenFormatError,
  formatJoinToken,
  newJoinToken,
  parseJoinToken,
  type JoinTokenParts,
} from './join-token';
export { hasCertifiedKey, readCertifiedKey, writeCertifiedKey } from './files';
