const map = startMap();
loadHotspots().then((fc) => {
  const group = L.markerClusterGroup();
  map.addLayer(group);
  const markers = fc.features.map((f) => {
    const [lon, lat] = f.geometry.coordinates;
    return L.marker([lat, lon], { title: f.properties.title });
  });
  group.addLayers(markers);
  drawn();
}).catch(report);
