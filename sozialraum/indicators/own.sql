-- Indicators a user declared for their own city (the import wizard). They live in their own table, so that
-- init_schema (which rewrites `indicators` from the registry) never loses them; restore() copies them back.
CREATE TABLE IF NOT EXISTS own_indicators (
    indicator    VARCHAR PRIMARY KEY,
    label_de     VARCHAR NOT NULL,
    label_en     VARCHAR NOT NULL,
    unit         VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,       -- count | rate | index
    direction    VARCHAR NOT NULL,
    numerator    VARCHAR,
    denominator  VARCHAR,
    aggregation  VARCHAR NOT NULL,       -- sum (counts) | none (published rates, indices)
    scale        DOUBLE,
    suppressible BOOLEAN NOT NULL,
    description  VARCHAR
);
