-- 003: what `placard watch` remembers between runs. Per feed, the validators
-- of its last response (for conditional requests) and when it was checked;
-- per feed item, whether its document is stored or why it failed, so a
-- restart resumes without storing an item twice or skipping one.

CREATE TABLE feeds (
    url            TEXT PRIMARY KEY NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    last_checked   TEXT,
    last_status    TEXT
);

-- state: 'stored' (its document is committed) or 'failed' (reason says why;
-- attempts counts failures, a transient one is retried a few times).
CREATE TABLE feed_items (
    feed_url    TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    url         TEXT,
    state       TEXT NOT NULL,
    reason      TEXT,
    doc_id      TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (feed_url, item_id)
);
