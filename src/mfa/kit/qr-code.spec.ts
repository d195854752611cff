import { qrCodeSvg } from './qr-code';

describe('QR code', () => {
  it('draws the text as an SVG image', async () => {
    const svg = await qrCodeSvg('otpauth://totp/Agent%20Village:ada?secret=JBSWY3DPEHPK3PXP');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('<path');
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
  });

  it('draws a bigger symbol for a longer text', async () => {
    const viewBox = (svg: string): number => Number(/viewBox="0 0 (\d+) /.exec(svg)?.[1]);
    expect(viewBox(await qrCodeSvg('x'.repeat(200)))).toBeGreaterThan(
      viewBox(await qrCodeSvg('x')),
    );
  });
});
