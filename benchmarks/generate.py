"""Write seeded portfolios: a thin wrapper of `debtopt generate`.

    python benchmarks/generate.py --profile cn-microloan --count 1000 --seed 1 -o cn.jsonl
    python benchmarks/generate.py --profile us-cards --count 50 --format toml -o us/
"""

from debtopt.batch.commands import generate

if __name__ == "__main__":
    generate(prog_name="benchmarks/generate.py")
