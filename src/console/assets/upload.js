// Upload a disk file from this browser through Kiln's tus endpoint, mounted for the console
// at /console/uploads (the session cookie is scoped to /console; the CSRF token rides in a
// header). Written here rather than bundled from the SDK so the console keeps no build step.
// The file goes up in CHUNK-byte PATCHes (File.slice) so progress moves per chunk; a PATCH
// that fails is resumed from the offset a HEAD reports, a bounded number of times in a row.
(() => {
  const CHUNK = 4 * 1024 * 1024;
  const RETRIES = 5;
  const TUS = { 'Tus-Resumable': '1.0.0' };

  const b64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

  // The format when the form leaves it to us: qcow2 and VMDK say so in their first bytes, a
  // VHD in its last 512; anything else is taken as raw.
  const detectFormat = async (file) => {
    const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
    const magic = String.fromCharCode(...head);
    if (magic === 'QFI\xfb') return 'qcow2';
    if (magic === 'KDMV') return 'vmdk';
    if (file.size >= 512) {
      const tail = new Uint8Array(await file.slice(file.size - 512, file.size - 504).arrayBuffer());
      if (String.fromCharCode(...tail) === 'conectix') return 'vhd';
    }
    return 'raw';
  };

  /** The server's answer as an Error carrying its {code, message}, or its status when it sent none. */
  const refusal = async (res) => {
    const body = await res.json().catch(() => undefined);
    return new Error(body?.message ? `${body.code}: ${body.message}` : `HTTP ${res.status}`);
  };

  const upload = async (form, file, show) => {
    const csrf = form.dataset.csrfToken;
    const headers = { ...TUS, 'X-CSRF-Token': csrf };
    show('Reading the file to compute its SHA-256…', 0);
    // The whole file in memory: fine for the console's purpose; big files belong to the CLI.
    const checksum = `sha256:${hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))}`;
    const chosen = form.elements.format.value;
    const meta = {
      product: form.dataset.product,
      name: form.elements.name.value,
      format: chosen || (await detectFormat(file)),
      checksum,
      region: form.elements.region.value,
      'os-type': form.elements.osType.value,
    };
    const metadata = Object.entries(meta)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k} ${b64(v)}`)
      .join(',');
    const created = await fetch(form.dataset.endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...headers, 'Upload-Length': String(file.size), 'Upload-Metadata': metadata },
    });
    if (created.status !== 201) throw await refusal(created);
    const location = created.headers.get('Location');
    const imageId = created.headers.get('Kiln-Image-Id');
    let offset = 0;
    let failures = 0;
    while (offset < file.size) {
      show(`Uploading… ${Math.floor((offset / file.size) * 100)}%`, offset / file.size);
      try {
        const res = await fetch(location, {
          method: 'PATCH',
          credentials: 'same-origin',
          headers: { ...headers, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
          body: file.slice(offset, Math.min(offset + CHUNK, file.size)),
        });
        if (res.status !== 204) throw await refusal(res);
        offset = Number(res.headers.get('Upload-Offset'));
        failures = 0;
      } catch (e) {
        failures += 1;
        if (failures > RETRIES) throw e;
        // The server keeps what it stored of a cut PATCH: ask where to go on from.
        await sleep(500 * failures);
        const head = await fetch(location, { method: 'HEAD', credentials: 'same-origin', headers }).catch(() => undefined);
        if (head?.status === 200) offset = Number(head.headers.get('Upload-Offset'));
      }
    }
    show('Uploaded; Kiln is making the image…', 1);
    window.location.assign(`/console/${form.dataset.product}/images/${encodeURIComponent(imageId)}`);
  };

  const start = () => {
    for (const form of document.querySelectorAll('form[data-upload-form]')) {
      const bar = form.querySelector('progress');
      const text = form.querySelector('[data-upload-status]');
      const show = (message, fraction) => {
        if (text) text.textContent = message;
        if (bar) bar.value = fraction;
      };
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const file = form.elements.file.files[0];
        if (!file) return;
        const button = form.querySelector('button');
        button.disabled = true;
        upload(form, file, show).catch((e) => {
          show(`Upload failed: ${e.message}`, bar ? bar.value : 0);
          form.dataset.failed = '';
          button.disabled = false;
        });
      });
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
