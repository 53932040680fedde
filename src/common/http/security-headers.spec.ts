import { securityHeaders } from './security-headers';

describe(securityHeaders.name, () => {
  it("computes helmet's headers for a configuration", () => {
    const sut = securityHeaders({
      contentSecurityPolicy: { directives: { defaultSrc: [`'self'`] } },
    });

    expect(sut).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'x-content-type-options': 'nosniff',
      'strict-transport-security': expect.stringContaining('max-age='),
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
    });
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it('honours options that turn headers off', () => {
    const sut = securityHeaders({ contentSecurityPolicy: false, strictTransportSecurity: false });

    expect(sut).not.toHaveProperty('content-security-policy');
    expect(sut).not.toHaveProperty('strict-transport-security');
  });
});
