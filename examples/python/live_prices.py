"""Live prices over the plain WebSocket /ws, from Python.

    pip install websockets            # or: apt install python3-websockets
    python3 examples/python/live_prices.py      # BASE_URL=http://localhost:3000 SYMBOL=BTC
"""
import asyncio
import json
import os

import websockets

BASE_URL = os.environ.get("BASE_URL", "http://localhost:3000")
SYMBOL = os.environ.get("SYMBOL", "BTC")
UPDATES = int(os.environ.get("UPDATES", "0"))  # stop after this many (0: never)


async def main() -> None:
    url = BASE_URL.replace("http", "ws", 1) + "/ws"
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"type": "subscribe", "symbol": SYMBOL}))
        received = 0
        async for message in ws:
            data = json.loads(message)
            if data["type"] == "subscribed":
                print(data["message"])
            elif data["type"] == "error":
                raise SystemExit(f"refused: {data['error']}")
            elif data["type"] == "price_update":
                print(f"{data['symbol']} {data['price']:,.2f} ({data['source']})")
                received += 1
                if received == UPDATES:
                    return


asyncio.run(main())
