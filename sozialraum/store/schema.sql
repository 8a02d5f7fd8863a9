-- The store: one DuckDB file. Geometries are kept in the store's metric CRS (store_meta.metric_epsg)
-- and, for the web map, in EPSG:4326 (lon/lat order).

CREATE TABLE IF NOT EXISTS store_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS sources (
    source_id      VARCHAR PRIMARY KEY,
    title          VARCHAR NOT NULL,
    publisher      VARCHAR,
    licence        VARCHAR,
    attribution    VARCHAR,
    reference_date VARCHAR,
    url            VARCHAR,
    files          VARCHAR,          -- file names the source was read from, ';'-separated
    fictional      BOOLEAN DEFAULT FALSE,
    imported_at    TIMESTAMP DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS area_levels (
    level        VARCHAR PRIMARY KEY,   -- e.g. 'berlin_plr', 'ms_planungsraum'
    label        VARCHAR NOT NULL,      -- German label, e.g. 'Planungsraum'
    hierarchy    VARCHAR NOT NULL,      -- the nested system the level belongs to, e.g. 'berlin-lor-2021'
    rank         INTEGER NOT NULL,      -- 0 = finest level of its hierarchy, increasing upwards
    parent_level VARCHAR,               -- next coarser level, NULL at the top
    source_id    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS areas (
    level       VARCHAR NOT NULL,
    area_key    VARCHAR NOT NULL,        -- always text: leading zeros are part of the key
    name        VARCHAR NOT NULL,
    parent_key  VARCHAR,                 -- key in area_levels.parent_level
    area_m2     DOUBLE,
    geom        GEOMETRY,                -- metric CRS (store_meta.metric_epsg)
    geom_wgs84  GEOMETRY,                -- EPSG:4326, lon/lat, simplified for display
    source_id   VARCHAR NOT NULL,
    PRIMARY KEY (level, area_key)
);

CREATE TABLE IF NOT EXISTS indicators (
    indicator    VARCHAR PRIMARY KEY,
    label_de     VARCHAR NOT NULL,
    label_en     VARCHAR NOT NULL,
    unit         VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,       -- count | rate | index | change
    direction    VARCHAR NOT NULL,       -- higher_is_worse | higher_is_better | neutral
    numerator    VARCHAR,
    denominator  VARCHAR,
    aggregation  VARCHAR NOT NULL,       -- sum | ratio | none
    scale        DOUBLE,                 -- rate = numerator / denominator * scale
    suppressible BOOLEAN NOT NULL,       -- a count of people under the BA confidentiality rule
    description  VARCHAR
);

CREATE TABLE IF NOT EXISTS observations (
    level        VARCHAR NOT NULL,
    area_key     VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,       -- ISO reference date or year, e.g. '2024-12-31' or '2024'
    value        DOUBLE,                 -- NULL when there is no value (see flag)
    numerator    DOUBLE,
    denominator  DOUBLE,
    flag         VARCHAR,                -- NULL | 'suppressed' | 'missing' | 'estimated' | 'not_scored'
    source_id    VARCHAR NOT NULL,
    derived      BOOLEAN NOT NULL DEFAULT FALSE,  -- rolled up to a parent level or a rate re-derived from counts
    PRIMARY KEY (level, area_key, indicator, period)
);

CREATE TABLE IF NOT EXISTS providers (
    provider_id    VARCHAR PRIMARY KEY,
    service_type   VARCHAR NOT NULL,     -- key from sozialraum.services.SERVICE_TYPES
    name           VARCHAR NOT NULL,
    traeger        VARCHAR,              -- operator
    dachverband    VARCHAR,              -- umbrella association (Caritas, Diakonie, AWO, Paritätischer, DRK, ...)
    kooperation    VARCHAR,              -- key from sozialraum.services.COOPERATION_FORMS
    capacity       DOUBLE,
    capacity_unit  VARCHAR,
    opening_hours  VARCHAR,
    barrier_free   BOOLEAN,
    address        VARCHAR,
    x              DOUBLE,               -- metric CRS
    y              DOUBLE,
    lon            DOUBLE,
    lat            DOUBLE,
    geom           GEOMETRY,             -- POINT in metric CRS
    source_id      VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS candidate_venues (
    venue_id      VARCHAR PRIMARY KEY,
    venue_type    VARCHAR NOT NULL,      -- bibliothek | stadtteilzentrum | familienzentrum | beratungsstelle | ...
    name          VARCHAR NOT NULL,
    traeger       VARCHAR,
    barrier_free  BOOLEAN,
    address       VARCHAR,
    x             DOUBLE,
    y             DOUBLE,
    lon           DOUBLE,
    lat           DOUBLE,
    geom          GEOMETRY,
    source_id     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS jobcenter_sites (
    site_id      VARCHAR PRIMARY KEY,
    site_type    VARCHAR NOT NULL,       -- hauptsitz | geschaeftsstelle | aussenstelle | agentur
    name         VARCHAR NOT NULL,
    address      VARCHAR,
    x            DOUBLE,
    y            DOUBLE,
    lon          DOUBLE,
    lat          DOUBLE,
    geom         GEOMETRY,
    source_id    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS scenarios (
    scenario_id  VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    created_at   TIMESTAMP DEFAULT current_timestamp,
    parameters   VARCHAR NOT NULL,       -- JSON
    result       VARCHAR NOT NULL        -- JSON
);
