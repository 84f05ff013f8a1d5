import { createPrivateKey, generateKeyPair, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import type { Curve, KeySpec } from "../../model/keys";
import type { PublicJwk } from "../domain/keys";

const generateKeyPairAsync = promisify(generateKeyPair);

/** Node's names for the curves Managed HSM offers. */
const NODE_CURVES: Record<Curve, string> = {
  "P-256": "prime256v1",
  "P-384": "secp384r1",
  "P-521": "secp521r1",
  "P-256K": "secp256k1",
};

export interface KeyMaterial {
  publicJwk: PublicJwk;
  privateJwk: Record<string, unknown>;
}

/** Real key material, so that the public parts a client receives are a usable key. Runs off the event loop. */
export async function generateKeyMaterial(spec: KeySpec): Promise<KeyMaterial> {
  if (spec.kty === "RSA-HSM") {
    const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: spec.keySize ?? 2048, publicExponent: 65537 });
    const jwk = privateKey.export({ format: "jwk" });
    return { publicJwk: { n: jwk.n!, e: jwk.e! }, privateJwk: { ...jwk } };
  }
  if (spec.kty === "EC-HSM") {
    const curve = spec.curve ?? "P-256";
    const { privateKey } = await generateKeyPairAsync("ec", { namedCurve: NODE_CURVES[curve] });
    const jwk = privateKey.export({ format: "jwk" });
    return { publicJwk: { crv: curve, x: jwk.x!, y: jwk.y! }, privateJwk: { ...jwk } };
  }
  const k = randomBytes((spec.keySize ?? 256) / 8).toString("base64url");
  return { publicJwk: {}, privateJwk: { kty: "oct", k } };
}

/** Reads an imported JWK (with its private parts) into the spec and material the HSM stores. */
export function importKeyMaterial(jwk: Record<string, unknown>): { spec: KeySpec; material: KeyMaterial } | { problem: string } {
  const kty = typeof jwk.kty === "string" ? jwk.kty.replace(/-HSM$/, "") : undefined;
  try {
    if (kty === "oct") {
      if (typeof jwk.k !== "string") return { problem: "key.k is required for an oct key" };
      const bits = Buffer.from(jwk.k, "base64url").length * 8;
      if (![128, 192, 256].includes(bits)) return { problem: `key.k must be 128, 192 or 256 bits, not ${bits}` };
      return { spec: { kty: "oct-HSM", keySize: bits }, material: { publicJwk: {}, privateJwk: { kty: "oct", k: jwk.k } } };
    }
    if (kty === "RSA") {
      const key = createPrivateKey({ key: { ...jwk, kty: "RSA" } as never, format: "jwk" });
      const out = key.export({ format: "jwk" });
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (![2048, 3072, 4096].includes(bits)) return { problem: `an RSA key must be 2048, 3072 or 4096 bits, not ${bits}` };
      return { spec: { kty: "RSA-HSM", keySize: bits }, material: { publicJwk: { n: out.n!, e: out.e! }, privateJwk: { ...out } } };
    }
    if (kty === "EC") {
      const crv = jwk.crv as Curve;
      if (!(crv in NODE_CURVES)) return { problem: `key.crv must be one of ${Object.keys(NODE_CURVES).join(", ")}` };
      const nodeJwk = { ...jwk, kty: "EC", crv: crv === "P-256K" ? "secp256k1" : crv };
      const out = createPrivateKey({ key: nodeJwk as never, format: "jwk" }).export({ format: "jwk" });
      return { spec: { kty: "EC-HSM", curve: crv }, material: { publicJwk: { crv, x: out.x!, y: out.y! }, privateJwk: { ...out } } };
    }
  } catch (err) {
    return { problem: `key is not a valid private ${kty} JWK: ${(err as Error).message}` };
  }
  return { problem: "key.kty must be RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM" };
}
