"""Views composed once for the app and the exports: what a map or table shows, before widgets or layout."""
