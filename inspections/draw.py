"""The double-random draw (双随机), as a pure function of its seed and pools, so that anyone can
re-run a published draw and check its result.

Algorithm (documented on the draw's public page): Python's `random.Random(seed)` (Mersenne
Twister, seeded with the integer); `sample` the sorted project pool for `count` codes, then for
each drawn project in that order `sample` the sorted inspector pool for `per_project` usernames."""
import random


def compute_draw(seed, project_pool, inspector_pool, count, per_project=2):
    rng = random.Random(int(seed))
    projects = rng.sample(sorted(project_pool), count)
    return [{"project": code, "inspectors": rng.sample(sorted(inspector_pool), per_project)} for code in projects]
