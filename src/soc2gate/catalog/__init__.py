"""Policy and control catalogs: what soc2gate checks and which SOC 2 criteria it evidences."""
