"""End-to-end client for `weaver mcp`: the official MCP Python SDK talks to
@modelcontextprotocol/server-filesystem through weaver and records everything it got.

usage: client.py WEAVER NODE SERVER_JS DATA_DIR REPORT_JSON

The Rust test (tests/e2e.rs) generates DATA_DIR, runs this script and checks the report.
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters, stdio_client


def dump(result):
    return result.model_dump(mode="json", by_alias=True, exclude_none=True)


async def main():
    weaver, node, server_js, data_dir, report_path = sys.argv[1:6]
    params = StdioServerParameters(
        command=weaver,
        args=["mcp", "--", node, server_js, data_dir],
    )
    report = {"calls": {}}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = await session.list_tools()
            report["tools"] = [dump(t) for t in tools.tools]

            async def call(label, name, args):
                result = await session.call_tool(name, args)
                report["calls"][label] = dump(result)
                return result

            big = await call("customers", "read_text_file", {"path": f"{data_dir}/customers.json"})
            frame = json.loads(big.content[0].text)
            handle = frame["handle"]["id"]
            await call("customers_page", "weaver_expand", {"handle": handle, "offset": 10, "limit": 5})
            await call(
                "customers_filtered",
                "weaver_expand",
                {"handle": handle, "fields": ["id", "plan"], "filter": {"plan": "gold"}, "limit": 3},
            )
            log = await call("log", "read_text_file", {"path": f"{data_dir}/app.log"})
            log_handle = json.loads(log.content[0].text)["handle"]["id"]
            first = await call("log_page_1", "weaver_expand", {"handle": log_handle})
            nxt = json.loads(first.content[0].text)["next_offset"]
            await call("log_page_2", "weaver_expand", {"handle": log_handle, "offset": nxt})
            await call("small", "read_text_file", {"path": f"{data_dir}/note.txt"})
            await call("forged", "weaver_expand", {"handle": "0" * 32})
    with open(report_path, "w") as f:
        json.dump(report, f, indent=1)


asyncio.run(main())
