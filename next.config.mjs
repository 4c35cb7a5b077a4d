import { fileURLToPath } from 'node:url';

const webOnCloseShim = fileURLToPath(new URL('./lib/next-shims/web-on-close.js', import.meta.url));

/**
 * Every response: no sniffing, no framing, no referrer leaking a signed media link. Pages also get a CSP:
 * Next's inline bootstrap scripts need 'unsafe-inline' (no nonces on statically rendered pages); images and
 * video may come from a public_base_url on another origin.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "media-src 'self' blob: https: http:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Content-Security-Policy', value: CSP },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
  webpack(config, { nextRuntime, webpack }) {
    if (nextRuntime === 'edge') {
      // Route handler bodies reach workerd without Next's per-chunk identity pipe (see the shim).
      config.plugins.push(
        new webpack.NormalModuleReplacementPlugin(/^\.\/web-on-close$/, (resource) => {
          if (/edge-route-module-wrapper/.test(resource.contextInfo?.issuer ?? '')) resource.request = webOnCloseShim;
        }),
      );
    }
    return config;
  },
};

export default nextConfig;
