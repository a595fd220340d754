import { generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from "node:crypto";

/**
 * Self-signed X.509 certificates for tests and the game day, built with node:crypto (no files, no network): we choose
 * the names, NotBefore and NotAfter, which `openssl req` (3.0) cannot set to arbitrary dates.
 * The DER is assembled by hand (the few ASN.1 types a certificate needs) and signed with the key.
 */
export type TestKeyType = "RSA_2048" | "RSA_1024" | "EC_prime256v1" | "EC_secp384r1";

export interface TestCertificateSpec {
  commonName: string;
  /** DNS names for the SubjectAlternativeName extension; the common name is not added implicitly. */
  subjectAlternativeNames?: readonly string[];
  notBefore: Date;
  notAfter: Date;
  keyType?: TestKeyType;
}

export interface TestCertificate {
  /** PEM certificate, as ImportCertificate takes it. */
  certificate: string;
  /** PEM private key (PKCS#1 for RSA, SEC1 for EC: the forms ACM documents). */
  privateKey: string;
  serial: string;
}

export function createTestCertificate(spec: TestCertificateSpec): TestCertificate {
  const keyType = spec.keyType ?? "RSA_2048";
  const { publicKey, privateKey } = generateKey(keyType);
  const serialBytes = randomBytes(12);
  // A positive INTEGER in minimal DER form: top bit clear (no sign padding needed), first byte non-zero.
  serialBytes[0] = ((serialBytes[0] ?? 0) & 0x7f) | 0x40;
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(spec.commonName, "utf8")))));
  const algorithm = signatureAlgorithm(keyType);
  const extensions = [
    extension("2.5.29.19", true, seq()), // basicConstraints: not a CA
    ...(spec.subjectAlternativeNames && spec.subjectAlternativeNames.length > 0
      ? [
          extension(
            "2.5.29.17",
            false,
            seq(...spec.subjectAlternativeNames.map((n) => tlv(0x82, Buffer.from(n, "ascii")))),
          ),
        ]
      : []),
  ];
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // v3
    integer(serialBytes),
    algorithm.identifier,
    name,
    seq(time(spec.notBefore), time(spec.notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign(algorithm.hash, tbs, privateKey);
  const der = seq(tbs, algorithm.identifier, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const certificate = pem("CERTIFICATE", der);
  // Parse it back: a malformed certificate must fail here, not as a puzzling import error.
  const parsed = new X509Certificate(certificate);
  return {
    certificate,
    privateKey: privateKey
      .export({ type: keyType.startsWith("RSA") ? "pkcs1" : "sec1", format: "pem" })
      .toString(),
    serial: parsed.serialNumber,
  };
}

/** One key pair per type and process: RSA key generation dominates the time, and certificates may share a key. */
const keys = new Map<TestKeyType, { publicKey: KeyObject; privateKey: KeyObject }>();

function generateKey(keyType: TestKeyType): { publicKey: KeyObject; privateKey: KeyObject } {
  const cached = keys.get(keyType) ?? newKey(keyType);
  keys.set(keyType, cached);
  return cached;
}

function newKey(keyType: TestKeyType): { publicKey: KeyObject; privateKey: KeyObject } {
  switch (keyType) {
    case "RSA_2048":
      return generateKeyPairSync("rsa", { modulusLength: 2048 });
    case "RSA_1024":
      return generateKeyPairSync("rsa", { modulusLength: 1024 });
    case "EC_prime256v1":
      return generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    case "EC_secp384r1":
      return generateKeyPairSync("ec", { namedCurve: "secp384r1" });
  }
}

function signatureAlgorithm(keyType: TestKeyType): { identifier: Buffer; hash: string } {
  if (keyType.startsWith("RSA")) {
    // sha256WithRSAEncryption, parameters NULL
    return { identifier: seq(oid("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00])), hash: "sha256" };
  }
  return keyType === "EC_secp384r1"
    ? { identifier: seq(oid("1.2.840.10045.4.3.3")), hash: "sha384" } // ecdsa-with-SHA384
    : { identifier: seq(oid("1.2.840.10045.4.3.2")), hash: "sha256" }; // ecdsa-with-SHA256
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [Buffer.from([0x01, 0x01, 0xff])] : []), tlv(0x04, value));
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function seq(...parts: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(parts));
}

function set(...parts: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(parts));
}

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const out = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      chunk.unshift((v % 128) | (chunk.length > 0 ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-11-02T20:05:00.000Z
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(digits.slice(2), "ascii"))
    : tlv(0x18, Buffer.from(digits, "ascii"));
}

function pem(label: string, der: Buffer): string {
  const body = der
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
