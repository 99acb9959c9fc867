// whatsapp-web.js pulls in puppeteer; its browser download fails offline and is not needed:
// Keel runs Debian's chromium through `executablePath` (WHATSAPP_CHROMIUM_PATH).
module.exports = { skipDownload: true };
