"""Defaults of the procedure's year settings, as callables so that migrations can name them."""


def continuing_measure_types() -> list[str]:
    """Measures that go on after elimination: microcredit to the end of its contract, a public-welfare post
    to the end of its agreement, education support (雨露计划) to the end of the school stage."""
    return ["microcredit", "welfare_post", "education"]
