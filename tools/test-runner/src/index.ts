// For the browser e2e test: the same Chromium lookup that npm test's install step uses.
export { findChromium } from './ensure-chromium';
