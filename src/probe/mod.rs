//! probe: not built yet.
