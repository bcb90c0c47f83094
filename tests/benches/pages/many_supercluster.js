const map = startMap();
const renderer = L.canvas({ padding: 0.5 });
const layer = L.layerGroup().addTo(map);
loadHotspots().then((fc) => {
  const index = new Supercluster({ radius: 60, maxZoom: 17 }).load(fc.features);
  const update = () => {
    const b = map.getBounds();
    const clusters = index.getClusters(
      [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
      map.getZoom(),
    );
    layer.clearLayers();
    for (const c of clusters) {
      const [lon, lat] = c.geometry.coordinates;
      const count = c.properties.point_count || 1;
      layer.addLayer(
        L.circleMarker([lat, lon], {
          renderer,
          radius: count > 1 ? 10 + Math.min(12, Math.log2(count) * 2) : 5,
          weight: 1,
          fillOpacity: 0.7,
        }),
      );
    }
  };
  map.on("moveend", update);
  update();
  drawn();
}).catch(report);
