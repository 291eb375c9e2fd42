// The venue's camera scan (/verify). The browser's BarcodeDetector where it reads QR
// codes; else zxing-wasm, a maintained QR decoder, served from this site's own
// /vendor/zxing/ (copied from node_modules at build time, never from a CDN) and
// loaded only here, so no worker's phone downloads it.
let stream = null;

async function reader() {
  if ('BarcodeDetector' in self) {
    try {
      const formats = await self.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) {
        const detector = new self.BarcodeDetector({ formats: ['qr_code'] });
        return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
      }
    } catch (_) { /* fall through to zxing */ }
  }
  const zxing = await import('/vendor/zxing/es/reader/index.js');
  zxing.prepareZXingModule({
    overrides: { locateFile: (path) => `/vendor/zxing/reader/${path}` },
    fireImmediately: true,
  });
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    if (!video.videoWidth) return null;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    ctx.drawImage(video, 0, 0);
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const found = await zxing.readBarcodesFromImageData(image, { formats: ['QRCode'], maxNumberOfSymbols: 1 });
    return found.find((r) => r.isValid)?.text ?? null;
  };
}

/** Starts the camera into `video` and calls `onText(text)` once with the first QR
 *  code read. Resolves to '' when scanning, else 'no-camera' or 'denied'. */
export async function startScan(video, onText) {
  stopScan(video);
  if (!navigator.mediaDevices?.getUserMedia) return 'no-camera';
  let read;
  try {
    read = await reader();
  } catch (_) {
    return 'no-camera';
  }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch (e) {
    return e && (e.name === 'NotAllowedError' || e.name === 'SecurityError') ? 'denied' : 'no-camera';
  }
  const mine = stream;
  video.srcObject = mine;
  await video.play().catch(() => {});
  const tick = async () => {
    if (stream !== mine) return;
    try {
      const text = await read(video);
      if (text && stream === mine) {
        stopScan(video);
        onText(text);
        return;
      }
    } catch (_) { /* a frame that cannot be read: try the next */ }
    setTimeout(tick, 150);
  };
  tick();
  return '';
}

/** Stops the camera. */
export function stopScan(video) {
  if (stream) stream.getTracks().forEach((t) => t.stop());
  stream = null;
  if (video) video.srcObject = null;
}
