// Plain Leaflet: fetch the districts, draw them with the class the benchmark waits for.
const map = L.map("map", { zoomSnap: 0 }).setView([51.68, 7.82], 11);
fetch("/api/districts")
  .then((r) => r.json())
  .then((districts) => {
    const layer = L.geoJSON(districts, {
      style: { className: "district", color: "#333", weight: 2, fillOpacity: 0.3 },
    }).addTo(map);
    map.fitBounds(layer.getBounds());
  });
