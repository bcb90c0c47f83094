// Shared by the many-points baseline pages: the map (same start view as the app: Hamm's
// bounds), the hotspots from the same /api/hotspots, and the mark the benchmark waits for.
window.startMap = function () {
  const map = L.map("map", { zoomSnap: 1, maxZoom: 18 });
  map.fitBounds([[51.6, 7.7], [51.76, 7.95]]);
  window.map = map;
  return map;
};
window.loadHotspots = function () {
  return fetch("/api/hotspots").then((r) => r.json());
};
window.drawn = function () {
  window.__drawn = performance.now();
};
window.report = function (e) {
  console.error("baseline page failed: " + String(e) + " " + (e && e.stack));
};
