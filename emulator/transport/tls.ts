import "reflect-metadata";
import { X509Certificate, webcrypto } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const TEN_YEARS_MS = 10 * 365 * 86_400_000;

export interface TlsMaterial {
  key: string;
  cert: string;
  /** The CA that signed `cert`, for clients to trust; undefined when the user gave their own certificate. */
  caFile: string | undefined;
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith("\n") ? "" : "\n"}-----END ${label}-----\n`;
}

async function exportKey(key: CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return await webcrypto.subtle.importKey("pkcs8", der, ALGORITHM, true, ["sign"]);
}

/** The names the server certificate must cover: loopback, the listen host, and every HSM host. */
export function serverNames(hsmHostSuffix: string, host: string): { dns: string[]; ips: string[] } {
  const dns = ["localhost", hsmHostSuffix, `*.${hsmHostSuffix}`];
  const ips = ["127.0.0.1", "::1"];
  if (/^[\d.]+$/.test(host) || host.includes(":")) {
    if (!ips.includes(host) && host !== "0.0.0.0" && host !== "::") ips.push(host);
  } else if (!dns.includes(host)) {
    dns.push(host);
  }
  return { dns, ips };
}

function covers(certPem: string, names: { dns: string[]; ips: string[] }): boolean {
  const cert = new X509Certificate(certPem);
  if (Date.parse(cert.validTo) < Date.now() + 86_400_000) return false;
  const san = cert.subjectAltName ?? "";
  return names.dns.every((d) => san.includes(`DNS:${d}`)) && names.ips.every((ip) => san.includes(`IP Address:${ip}`) || san.toLowerCase().includes(ip));
}

/**
 * A CA and a server certificate, made on first start and kept in `folder/tls`, so clients trust the CA
 * once. The server certificate is remade (by the same CA) when the names it must cover change.
 */
export async function loadOrCreateTls(folder: string, hsmHostSuffix: string, host: string): Promise<TlsMaterial> {
  const dir = path.join(folder, "tls");
  fs.mkdirSync(dir, { recursive: true });
  const files = { ca: path.join(dir, "ca.pem"), caKey: path.join(dir, "ca-key.pem"), cert: path.join(dir, "server.pem"), key: path.join(dir, "server-key.pem") };
  const now = new Date();

  let caCert: x509.X509Certificate;
  let caKey: CryptoKey;
  if (fs.existsSync(files.ca) && fs.existsSync(files.caKey)) {
    caCert = new x509.X509Certificate(fs.readFileSync(files.ca, "utf8"));
    caKey = await importKey(fs.readFileSync(files.caKey, "utf8"));
  } else {
    const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: Date.now().toString(16),
      name: "CN=mhsm emulator local CA",
      notBefore: new Date(now.getTime() - 3_600_000),
      notAfter: new Date(now.getTime() + TEN_YEARS_MS),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    caKey = keys.privateKey;
    fs.writeFileSync(files.caKey, await exportKey(caKey), { mode: 0o600 });
    fs.writeFileSync(files.ca, caCert.toString("pem"));
    fs.rmSync(files.cert, { force: true });
  }

  const names = serverNames(hsmHostSuffix, host);
  if (!(fs.existsSync(files.cert) && fs.existsSync(files.key) && covers(fs.readFileSync(files.cert, "utf8"), names))) {
    const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: (Date.now() + 1).toString(16),
      subject: "CN=localhost",
      issuer: caCert.subject,
      notBefore: new Date(now.getTime() - 3_600_000),
      notAfter: new Date(now.getTime() + 2 * 365 * 86_400_000),
      signingKey: caKey,
      publicKey: keys.publicKey,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([...names.dns.map((value) => ({ type: "dns" as const, value })), ...names.ips.map((value) => ({ type: "ip" as const, value }))]),
        await x509.AuthorityKeyIdentifierExtension.create(caCert),
      ],
    });
    fs.writeFileSync(files.key, await exportKey(keys.privateKey), { mode: 0o600 });
    fs.writeFileSync(files.cert, `${cert.toString("pem")}\n${caCert.toString("pem")}\n`);
  }
  return { key: fs.readFileSync(files.key, "utf8"), cert: fs.readFileSync(files.cert, "utf8"), caFile: files.ca };
}

/** The user's own certificate and key (`--cert`, `--key`). */
export function loadUserTls(certFile: string, keyFile: string): TlsMaterial {
  const read = (file: string, what: string) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`Can't read the TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  return { cert: read(certFile, "certificate"), key: read(keyFile, "key"), caFile: undefined };
}
