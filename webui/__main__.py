"""Development server: `python -m webui [--host H] [--port P] [--index DIR]`.

For production run gunicorn instead (see --help and docs/decisions/0006-web-ui.md).
"""
from __future__ import annotations

import argparse
import sys

from indexer.api import serving_warning
from webui import PRODUCTION_COMMAND, create_app


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m webui",
        description="Serve the Ofsted inspection search web UI with Flask's development "
                    "server (one process, for local use).",
        epilog=f"Production: OFSTED_INDEX=DIR {PRODUCTION_COMMAND}\n"
               "The index directory comes from --index, else $OFSTED_INDEX, else ./index.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    parser.add_argument("--index", default=None,
                        help="index directory (default: $OFSTED_INDEX or ./index)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = {"OFSTED_INDEX": args.index} if args.index else None
    app = create_app(config)
    print(f"serving index {app.config['OFSTED_INDEX']!r} on http://{args.host}:{args.port}/",
          file=sys.stderr)
    warning = serving_warning(app.config["OFSTED_INDEX"])
    if warning:
        print(warning, file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=False)  # never the Werkzeug debugger
    return 0


if __name__ == "__main__":
    sys.exit(main())
