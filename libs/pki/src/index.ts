export { generateRsaKeyPair, generateRsaKeyPairAsync, type KeyPairPem } from './keys';
export {
  ALWAYS_SERVER_HOSTS,
  createCa,
  createCsr,
  issueClientCert,
  issueServerCert,
  signClientCsr,
  type CaOptions,
  type CertifiedKey,
  type CsrResult,
  type LeafOptions,
  type ServerCertOptions,
} from './certificates';
export { describeCertificate, isIssuedBy, type CertificateSummary } from './inspect';
export { hasCertifiedKey, readCertifiedKey, writeCertifiedKey } from './files';
