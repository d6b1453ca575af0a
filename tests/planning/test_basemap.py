"""The platform's own basemap: tile math, drawing, the tile URL (404s, cache, versions, headers),
the map tag's choice of tiles, place names for siting results and gaps, facilities on the coverage map."""

import numpy as np
import pytest
from django.test import override_settings

from carecircle.core.templatetags.carecircle_maps import map_head
from carecircle.planning import basemap, places
from carecircle.planning import basemap_render as render
from carecircle.planning.network import Network, Water, from_pbf, synthetic
from tests.conftest import COMMUNITY_A

CENTRES = [(30.291, 120.121), (30.271, 120.141)]


def _net(**kw) -> Network:
    return synthetic(CENTRES, spacing_m=150, reach_m=800, seed=1, **kw)


def _layers(net: Network, water=(), outlines=()) -> render.Layers:
    return render.build(
        [(net.lat[net.src], net.lon[net.src], net.lat[net.dst], net.lon[net.dst])],
        list(water),
        list(outlines),
    )


def _pixels(img) -> np.ndarray:
    return np.array(img, dtype=np.uint8)


def test_tile_math():
    x, y = render.world(0.0, 0.0)
    assert float(x) == pytest.approx(0.5) and float(y) == pytest.approx(0.5)
    x, y = render.world(render.MAX_LAT, -180.0)
    assert float(x) == pytest.approx(0.0) and float(y) == pytest.approx(0.0, abs=1e-9)
    # Hangzhou's West Lake at zoom 10, by the OSM wiki's formula: x = (120.15 + 180) / 360 · 1024 = 853.76,
    # y = (1 − ln(tan φ + sec φ) / π) / 2 · 1024 = 421.65
    assert render.tile_of(30.25, 120.15, 10) == (853, 421)
    assert render.valid(0, 0, 0) and render.valid(18, 2**18 - 1, 0)
    assert not render.valid(19, 0, 0) and not render.valid(3, 8, 0) and not render.valid(3, 0, 8)
    assert not render.valid(-1, 0, 0) and not render.valid(2, -1, 0)


def test_a_tile_with_a_road_has_road_pixels_and_one_without_is_blank():
    net = _net()
    lay = _layers(net)
    for z in (12, 14, 16, 18):
        x, y = render.tile_of(float(net.lat[net.src[0]]), float(net.lon[net.src[0]]), z)
        px = _pixels(render.render(lay, z, x, y))
        assert (px != render.BACKGROUND).sum() > 20, z
        road = render.ROAD if z >= 14 else render.MINOR
        assert (px == road).any(), z
    far = _pixels(render.render(lay, 14, *render.tile_of(40.0, 116.4, 14)))  # Beijing: no data
    assert (far == render.BACKGROUND).all()
    assert not render.touches(lay, 14, *render.tile_of(40.0, 116.4, 14))


def test_the_grid_index_finds_what_a_scan_of_every_edge_finds():
    net = synthetic(CENTRES, spacing_m=100, reach_m=2500, seed=5)
    lay = _layers(net)
    for z in (11, 13, 15, 17):
        x, y = render.tile_of(30.281, 120.131, z)
        box = render._box(z, x, y)
        every = np.flatnonzero(
            (np.maximum(lay.ax, lay.bx) >= box[0])
            & (np.minimum(lay.ax, lay.bx) <= box[2])
            & (np.maximum(lay.ay, lay.by) >= box[1])
            & (np.minimum(lay.ay, lay.by) <= box[3])
        )
        found = render.candidate_edges(lay, box)
        assert len(every) > 0 and set(every.tolist()) <= set(found.tolist()), z
        assert len(found) == len(set(found.tolist()))  # each edge once


def test_water_and_outlines_are_drawn():
    net = _net()
    lake_lat = np.array([30.280, 30.280, 30.284, 30.284, 30.280])
    lake_lon = np.array([120.128, 120.134, 120.134, 120.128, 120.128])
    ring = (
        np.array([30.27, 30.27, 30.30, 30.30, 30.27]),
        np.array([120.11, 120.15, 120.15, 120.11, 120.11]),
        True,
    )
    lay = _layers(net, water=[(lake_lat, lake_lon, True)], outlines=[ring])
    z = 16
    x, y = render.tile_of(30.282, 120.131, z)
    assert (_pixels(render.render(lay, z, x, y)) == render.WATER).sum() > 1000
    x, y = render.tile_of(30.27, 120.13, z)  # on the outline's southern edge
    assert (_pixels(render.render(lay, z, x, y)) == render.OUTLINE_MAJOR).sum() > 50


def test_names_and_water_survive_the_file(tmp_path):
    net = _net()
    net.water = Water.from_parts(
        [(np.array([30.28, 30.28, 30.29]), np.array([120.12, 120.13, 120.13]), True)]
    )
    net.save(tmp_path / "n.npz")
    back = Network.load(tmp_path / "n.npz")
    assert back.road_name(0) == net.road_name(0) != ""
    assert back.water is not None and back.water.parts == 1 and bool(back.water.area[0])
    assert len({net.road_name(e) for e in range(net.edges)}) > 5  # the grid's rows and columns


def test_a_pbf_gives_road_names_and_water():
    pyrosm = pytest.importorskip("pyrosm")
    net = from_pbf(pyrosm.get_data("test_pbf"))
    assert net.names is not None and "Hurukselantie" in set(net.names.tolist())
    assert (net.edge_name >= 0).sum() > 100
    assert net.water is not None and net.water.parts >= 1


@pytest.fixture
def stored(city):
    from carecircle.planning import coverage_services

    return coverage_services.network_store(
        actor=None, network=_net(), region_code="339900000000", name="步行路网", source="测试"
    )


def _url(z, x, y):
    return basemap.tile_url(basemap.current_version()).format(z=z, x=x, y=y)


def test_tiles_are_served_cached_and_public(stored, client):
    z = 15
    x, y = render.tile_of(30.291, 120.121, z)
    r = client.get(_url(z, x, y))  # no sign-in: the public facility map needs them too
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r["Cache-Control"] == basemap.CACHE_CONTROL
    assert r.content[:8] == b"\x89PNG\r\n\x1a\n"
    cached = basemap.cache_root() / basemap.current_version() / str(z) / str(x) / f"{y}.png"
    assert cached.read_bytes() == r.content


def test_a_cached_tile_is_not_drawn_again(stored, client, monkeypatch):
    z = 14
    x, y = render.tile_of(30.291, 120.121, z)
    first = client.get(_url(z, x, y)).content

    def no_drawing(*a, **k):
        raise AssertionError("drawn again")

    monkeypatch.setattr(render, "render", no_drawing)
    assert client.get(_url(z, x, y)).content == first


def test_signed_in_users_get_a_cacheable_tile(stored, client_for, users):
    x, y = render.tile_of(30.291, 120.121, 15)
    r = client_for(users["district"]).get(_url(15, x, y))
    assert r.status_code == 200 and "no-store" not in r["Cache-Control"] and "immutable" in r["Cache-Control"]


def test_out_of_range_is_404_never_500(stored, client):
    v = basemap.current_version()
    for z, x, y in ((19, 0, 0), (3, 8, 0), (3, 0, 8), (0, 1, 0), (18, 2**18, 5), (5, 10**30, 1)):
        assert client.get(f"/planning/tiles/{v}/{z}/{x}/{y}.png").status_code == 404, (z, x, y)
    assert client.get(f"/planning/tiles/{v}/-1/0/0.png").status_code == 404
    assert client.get(f"/planning/tiles/../{v}/1/0/0.png").status_code == 404


def test_outside_the_data_a_blank_tile_is_not_stored(stored, client):
    x, y = render.tile_of(40.0, 116.4, 16)
    r = client.get(_url(16, x, y))
    assert r.status_code == 200 and r.content == render.blank_png()
    assert not (basemap.cache_root() / basemap.current_version() / "16" / str(x)).exists()


def test_new_data_gives_new_urls_and_old_ones_are_sent_on(stored, client, city):
    from carecircle.core.models import Region
    from carecircle.planning import coverage_services

    old = basemap.current_version()
    x, y = render.tile_of(30.291, 120.121, 15)
    assert client.get(_url(15, x, y)).status_code == 200
    Region.objects.filter(code=COMMUNITY_A).update(
        boundary={
            "type": "Polygon",
            "coordinates": [[[120.11, 30.28], [120.13, 30.28], [120.13, 30.30], [120.11, 30.28]]],
        }
    )
    after_region = basemap.current_version()
    assert after_region != old
    coverage_services.network_store(
        actor=None, network=_net(drop=0.2), region_code="339900000000", name="新路网", source="测试"
    )
    new = basemap.current_version()
    assert new not in (old, after_region)
    # a tile of a version never drawn is sent to the current one
    r = client.get(f"/planning/tiles/{after_region}/15/{x}/{y + 1}.png")
    assert r.status_code == 302 and r["Location"] == _url(15, x, y + 1)
    assert client.get(r["Location"]).status_code == 200
    # drawing the new version removed the old version's tiles
    assert not (basemap.cache_root() / old).exists()


def test_the_newest_network_of_an_area_is_drawn(stored, city):
    from carecircle.planning import coverage_services

    district = coverage_services.network_store(
        actor=None, network=_net(), region_code="339901000000", name="区路网", source="测试"
    )
    assert [n.pk for n in basemap.drawn_networks()] == [district.pk, stored.pk]
    city_wide = coverage_services.network_store(
        actor=None, network=_net(), region_code="339900000000", name="全市路网", source="测试"
    )
    assert [n.pk for n in basemap.drawn_networks()] == [city_wide.pk]


def test_the_map_tag_uses_the_platforms_tiles_unless_a_service_is_named(stored):
    html = str(map_head())
    assert f"/planning/tiles/{basemap.current_version()}/{{z}}/{{x}}/{{y}}.png" in html
    assert "本平台" in html
    with override_settings(
        CARECIRCLE_MAP_TILES="https://t0.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}",
        CARECIRCLE_MAP_ATTRIBUTION="天地图",
    ):
        named = str(map_head())
    assert "tianditu" in named and "/planning/tiles/" not in named


def test_without_data_there_is_no_basemap(db):
    assert 'carecircle-map-tiles" content=""' in str(map_head())


def test_places_name_the_nearest_road_and_the_community(stored, city):
    net = _net()
    roads = places.RoadIndex(net)
    e = 7
    lat = (net.lat[net.src[e]] + net.lat[net.dst[e]]) / 2
    lon = (net.lon[net.src[e]] + net.lon[net.dst[e]]) / 2
    assert roads.names([lat], [lon]) == [net.road_name(e)]
    assert roads.names([31.5], [121.5]) == [""]  # nothing within 300 m
    names = places.labels(roads, np.array([lat, 31.5]), np.array([lon, 121.5]), "339901")
    assert names[0].startswith(net.road_name(e) + "（") and names[0].endswith("社区）")
    assert names[1].endswith("社区") and "（" not in names[1]  # no road near: the nearest community
    # a point inside a community's boundary is named after it, even nearer another's office
    from carecircle.core.models import Region

    Region.objects.filter(code="339901002001").update(
        boundary={
            "type": "Polygon",
            "coordinates": [[[120.12, 30.29], [120.13, 30.29], [120.13, 30.30], [120.12, 30.29]]],
        }
    )
    assert places.communities([30.2915], [120.1295], "339901") == ["星洲社区"]
    assert places.communities([30.2915], [120.1212], "339901") == ["桂花社区"]
    assert places.label("", "") == "未命名地点"
