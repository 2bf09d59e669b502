"""LTI 1.3 Advantage tool: platform registration, the tool's keys, OIDC login, launch
verification, deep linking, grades (AGS) and the roster (NRPS). No HTTP framework here;
the routes are in bot/web/routes/lti.py."""
