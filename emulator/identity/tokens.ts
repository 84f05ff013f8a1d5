import fs from "node:fs";
import path from "node:path";
import { type CryptoKey, type JWK, SignJWT, errors as joseErrors, exportJWK, generateKeyPair, importJWK, jwtVerify } from "jose";
import type { Principal } from "./principals";

const ALG = "RS256";

export interface TokenClaims {
  oid: string;
  tid: string;
  appid: string;
  aud: string;
  exp: number;
}

export type VerifyFailure = "malformed" | "expired" | "signature" | "audience";

/**
 * Signs and verifies the emulator's access tokens. The signing key is made on first start and kept in the
 * emulator's folder, so tokens stay valid across restarts. Validity is in real time, not emulated time:
 * moving the clock forward by days does not log every client out.
 */
export class TokenIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly keyId: string,
    readonly issuerBase: string,
    private readonly lifetimeSeconds: number,
  ) {}

  static async open(options: { folder: string | undefined; issuerBase: string; lifetimeSeconds: number }): Promise<TokenIssuer> {
    let jwk: JWK | undefined;
    const file = options.folder ? path.join(options.folder, "token-signing-key.json") : undefined;
    if (file && fs.existsSync(file)) jwk = JSON.parse(fs.readFileSync(file, "utf8")) as JWK;
    if (!jwk) {
      const pair = await generateKeyPair(ALG, { extractable: true });
      jwk = { ...(await exportJWK(pair.privateKey)), kid: `mhsm-${Date.now().toString(36)}`, alg: ALG };
      if (file) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
      }
    }
    const privateKey = (await importJWK(jwk, ALG)) as CryptoKey;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    const publicKey = (await importJWK(publicJwk, ALG)) as CryptoKey;
    return new TokenIssuer(privateKey, publicKey, jwk.kid ?? "mhsm", options.issuerBase, options.lifetimeSeconds);
  }

  publicKeyObject(): Promise<CryptoKey> {
    return Promise.resolve(this.publicKey);
  }

  get lifetime(): number {
    return this.lifetimeSeconds;
  }

  async issue(principal: Principal, tenantId: string, audience: string): Promise<string> {
    return new SignJWT({ oid: principal.objectId, tid: tenantId, appid: principal.clientId, azp: principal.clientId, name: principal.displayName, idtyp: "app", ver: "1.0" })
      .setProtectedHeader({ alg: ALG, typ: "JWT", kid: this.keyId })
      .setIssuer(`${this.issuerBase}/${tenantId}/`)
      .setSubject(principal.objectId)
      .setAudience(audience)
      .setIssuedAt()
      .setNotBefore("0s")
      .setExpirationTime(`${this.lifetimeSeconds}s`)
      .sign(this.privateKey);
  }

  /** The token's claims if it is ours, unexpired, and for one of `audiences`; otherwise why not. */
  async verify(token: string, audiences: readonly string[]): Promise<{ claims: TokenClaims } | { failure: VerifyFailure; detail: string }> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { algorithms: [ALG], audience: [...audiences], clockTolerance: 5 });
      const claims = payload as Partial<TokenClaims>;
      if (typeof claims.oid !== "string" || typeof claims.tid !== "string" || typeof claims.appid !== "string") {
        return { failure: "malformed", detail: "the token lacks oid, tid or appid" };
      }
      return { claims: claims as TokenClaims };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return { failure: "expired", detail: err.message };
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) return { failure: "signature", detail: "the token's signature is invalid" };
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "aud") return { failure: "audience", detail: err.message };
      return { failure: "malformed", detail: (err as Error).message };
    }
  }
}
