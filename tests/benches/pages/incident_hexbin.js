// The benchmark calls these with a window ([from, to], RFC 3339) and a zoom; both answer how
// long it took until the counts per bin were there, and how many bytes came over the wire.
(() => {
  const R = 6378137;
  // Web Mercator pixels at `zoom` (256-pixel tiles), as Leaflet projects.
  const project = (lon, lat, zoom) => {
    const scale = 256 * Math.pow(2, zoom);
    const x = ((lon + 180) / 360) * scale;
    const s = Math.sin((lat * Math.PI) / 180);
    const y = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale;
    return [x, y];
  };
  const box = 'west=7.65&south=51.57&east=8.05&north=51.76';
  const enc = encodeURIComponent;
  // The page's way: every incident of the window, binned here.
  window.__hexbin = async (from, to, zoom) => {
    const start = performance.now();
    const response = await fetch(`/api/incidents?from=${enc(from)}&to=${enc(to)}`);
    const text = await response.text();
    const fetched = performance.now();
    const sent = performance.getEntriesByName(response.url).pop();
    const layer = JSON.parse(text);
    const points = layer.features.map((f) => {
      const [lon, lat] = f.geometry.coordinates;
      const p = project(lon, lat, zoom);
      p.count = f.properties.count;
      return p;
    });
    // Hexagons as wide as the server's square cells (32 pixels): radius 32 / √3.
    const bins = d3.hexbin().radius(32 / Math.sqrt(3))(points);
    let total = 0;
    const counts = bins.map((b) => b.reduce((n, p) => n + p.count, 0));
    for (const c of counts) total += c;
    const done = performance.now();
    return { ms: done - start, fetch_ms: fetched - start, bin_ms: done - fetched,
             bytes: sent ? sent.encodedBodySize : text.length, bins: bins.length, total };
  };
  // The app's way: the server's counts per cell.
  window.__density = async (from, to, zoom) => {
    const start = performance.now();
    const response = await fetch(
      `/api/incidents/density?${box}&zoom=${zoom}&from=${enc(from)}&to=${enc(to)}`);
    const text = await response.text();
    const d = JSON.parse(text);
    const done = performance.now();
    const sent = performance.getEntriesByName(response.url).pop();
    return { ms: done - start, bytes: sent ? sent.encodedBodySize : text.length,
             bins: d.cells.length, total: d.total };
  };
})();
