import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTestCertificate, type TestKeyType } from "../../support/certificates";

describe("the test certificate generator", () => {
  it.each<TestKeyType>(["RSA_2048", "RSA_1024", "EC_prime256v1", "EC_secp384r1"])(
    "issues a self-signed %s certificate with the chosen names and validity",
    (keyType) => {
      const generated = createTestCertificate({
        commonName: "devices.example.com",
        subjectAlternativeNames: ["devices.example.com", "*.devices.example.com"],
        notBefore: new Date("2026-10-01T00:00:00Z"),
        notAfter: new Date("2051-01-01T00:00:00Z"),
        keyType,
      });
      const x509 = new X509Certificate(generated.certificate);
      expect(x509.subject).toBe("CN=devices.example.com");
      expect(x509.subjectAltName).toBe("DNS:devices.example.com, DNS:*.devices.example.com");
      expect(new Date(x509.validFrom).toISOString()).toBe("2026-10-01T00:00:00.000Z");
      expect(new Date(x509.validTo).toISOString()).toBe("2051-01-01T00:00:00.000Z");
      expect(x509.verify(x509.publicKey)).toBe(true);
      expect(generated.privateKey).toMatch(
        keyType.startsWith("RSA") ? /BEGIN RSA PRIVATE KEY/ : /BEGIN EC PRIVATE KEY/,
      );
    },
  );

  it("always encodes the serial number as minimal DER (a padded INTEGER is rejected by OpenSSL)", () => {
    const serials = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const { serial } = createTestCertificate({
        commonName: "a.example.com",
        notBefore: new Date("2026-10-01T00:00:00Z"),
        notAfter: new Date("2027-01-01T00:00:00Z"),
        keyType: "EC_prime256v1",
      });
      serials.add(serial);
    }
    expect(serials.size).toBe(300);
  });
});
