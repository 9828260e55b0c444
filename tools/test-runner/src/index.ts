// For the browser e2e test: the same Chromium lookup that npm test's install step uses.
export { findChromium } from './ensure-chromium';
// For tools that install a missing system program the same way (the benchmark's redis-server).
export { canInstallDebianPackages, findOnPath, installDebianPackage } from './install-debian-package';
