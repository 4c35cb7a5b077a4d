import { fileURLToPath } from 'node:url';

const webOnCloseShim = fileURLToPath(new URL('./lib/next-shims/web-on-close.js', import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
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
