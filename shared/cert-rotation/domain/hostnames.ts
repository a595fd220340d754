/** Lower case, without the trailing dot Route 53 and our config use: the form certificates carry. */
export function normaliseHostname(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/**
 * Whether a certificate with these names is valid for `hostname`, by the rules TLS clients apply
 * (RFC 6125 §6.4.3 as browsers and ALB SNI implement it): an exact match, or a wildcard `*.base` that
 * stands for exactly one whole label left of `base`. A wildcard covers neither the bare base nor deeper
 * names, and a required wildcard hostname is covered only by the same wildcard.
 *
 * @example ["*.example.com"] covers "a.example.com", not "example.com" nor "a.b.example.com"
 * @example ["a.example.com"] does not cover "*.example.com" (devices may use any name under it)
 */
export function coversHostname(certificateNames: readonly string[], hostname: string): boolean {
  const wanted = normaliseHostname(hostname);
  for (const raw of certificateNames) {
    const name = normaliseHostname(raw);
    if (name === wanted) return true;
    if (!name.startsWith("*.") || wanted.startsWith("*.")) continue;
    const base = name.slice(2);
    const dot = wanted.indexOf(".");
    if (dot > 0 && wanted.slice(dot + 1) === base && !wanted.slice(0, dot).includes("*")) return true;
  }
  return false;
}

/** The hostnames of `required` that the certificate does not cover, in the order given. */
export function uncoveredHostnames(
  certificateNames: readonly string[],
  required: readonly string[],
): string[] {
  return required.filter((hostname) => !coversHostname(certificateNames, hostname));
}

/** DomainName plus SubjectAlternativeNames, normalised and without duplicates, in first-seen order. */
export function certificateNames(domainName: string | undefined, sans: readonly string[] = []): string[] {
  const all = [...(domainName ? [domainName] : []), ...sans].map(normaliseHostname).filter(Boolean);
  return [...new Set(all)];
}
