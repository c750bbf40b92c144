/**
 * Access tokens for the gateway: JWT verification (HS256 for local development, RS256/ES256 with a
 * PEM public key or JWKS in production) and dev token minting. Verification refuses any algorithm
 * not configured before touching a key, keeps JWKS keys by issuer and kid together, and reports
 * every refusal as an AuthError with a stable code.
 *
 * @example
 * const verifier = createTokenVerifier({
 *   algorithms: ['RS256'],
 *   jwks: { url: 'https://idp.example.com/.well-known/jwks.json' },
 *   issuer: 'https://idp.example.com/',
 *   audience: 'switchboard',
 * });
 * const token = tokenFromRequest({ authorization: req.getHeader('authorization'), query: req.getQuery() });
 * const { userId } = await verifier.verify(token); // rejects with AuthError
 */
export { createTokenVerifier } from './createTokenVerifier';
export type { TokenVerifier } from './createTokenVerifier';
export type { JwksByIssuer, JwksFetchSettings, JwksSource, TokenVerifierOptions } from './verifierOptions';
export type { JwksFetch, JwksFetchResponse } from './jwks/jwksFetch';
export type { Principal } from './principal';
export { AUTH_ERROR_CODES, AuthError, isAuthError } from './authError';
export type { AuthErrorCode } from './authError';
export { AuthOptionsError } from './authOptionsError';
export { SUPPORTED_ALGORITHMS } from './algorithms';
export type { SupportedAlgorithm } from './algorithms';
export { SUBJECT_PATTERN } from './subject';
export { MAX_TOKEN_LENGTH } from './decodeToken';
export { mintDevToken } from './mintDevToken';
export type { MintDevTokenOptions } from './mintDevToken';
export { tokenFromRequest } from './tokenFromRequest';
export type { TokenCarrier } from './tokenFromRequest';
