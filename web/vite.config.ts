import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Resolve the web directory from this file so the config works from any cwd.
// (No node:path here: web/tsconfig.json only knows browser + vite types.)
const webDir = decodeURIComponent(new URL('.', import.meta.url).pathname).replace(/^\/([A-Za-z]:)/, '$1');

export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // antd alone is ~1 MB minified (before gzip); it is one cacheable vendor chunk, not app code.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'vendor-react',
              test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/,
              priority: 40,
            },
            {
              name: 'vendor-antd-icons',
              test: /[\\/]node_modules[\\/]@ant-design[\\/]icons(-svg)?[\\/]/,
              priority: 35,
            },
            {
              name: 'vendor-echarts',
              test: /[\\/]node_modules[\\/](echarts|zrender|echarts-for-react|size-sensor)[\\/]/,
              priority: 30,
            },
            {
              name: 'vendor-antd',
              test: /[\\/]node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@emotion|stylis|dayjs|@babel[\\/]runtime|scroll-into-view-if-needed|compute-scroll-into-view|throttle-debounce|json2mq|string-convert|is-mobile|clsx)[\\/]/,
              priority: 20,
            },
            {
              name: 'vendor-query-i18n',
              test: /[\\/]node_modules[\\/](@tanstack|i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/,
              priority: 15,
            },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
