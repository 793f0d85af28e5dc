"""Views of the shared core: generic object views (generic.py) reused by every app, the core pages,
the home page with its panel registry (home.py) and the navigation menu (menu.py).

Kept free of imports so that `AppConfig.ready()` can load `views.menu` or `views.home` cheaply."""
