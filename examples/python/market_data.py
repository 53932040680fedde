"""The REST API from Python, with the standard library only.

    python3 examples/python/market_data.py      # BASE_URL=http://localhost:3000
"""
import json
import os
import urllib.error
import urllib.request

BASE_URL = os.environ.get("BASE_URL", "http://localhost:3000")


def get(path: str) -> dict:
    try:
        with urllib.request.urlopen(BASE_URL + path, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        # Every error is an RFC 9457 problem document: "detail" says what went wrong.
        problem = json.load(error)
        raise SystemExit(f"{error.code} {path}: {problem['detail']}") from None


listing = get("/api/v1/cryptocurrencies?per_page=5&sort_by=market_cap&order=desc")
for asset in listing["items"]:
    print(asset["market_cap_rank"], asset["symbol"], asset["current_price"])

price = get("/api/v1/cryptocurrencies/BTC/price")
print(f"BTC {price['price']} from {price['source']}, {'stale' if price['stale'] else 'fresh'}")

candles = get("/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&limit=24")
print(f"{len(candles['ohlc'])} hourly candles, {len(candles['gaps'])} gaps")
