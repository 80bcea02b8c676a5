"""Signs requests with botocore's SigV4 signer, the reference the Rust signer is compared with.

Reads a JSON list of requests on standard input:
  {"method", "url", "headers": [[name, value], ...], "body", "region", "service",
   "access_key_id", "secret_access_key", "session_token" (or null), "amz_date"}
and prints a JSON list of {"authorization", "canonical_request"}. The signing time is the
request's amz_date; botocore adds X-Amz-Date and X-Amz-Security-Token itself.
"""

import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(case):
    at = datetime.datetime.strptime(case["amz_date"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda *args, **kwargs: at
    request = AWSRequest(
        method=case["method"],
        url=case["url"],
        data=case["body"].encode("utf-8"),
        headers=dict(case["headers"]),
    )
    credentials = Credentials(
        case["access_key_id"], case["secret_access_key"], case["session_token"]
    )
    signer = botocore.auth.SigV4Auth(credentials, case["service"], case["region"])
    signer.add_auth(request)
    authorization = request.headers["Authorization"]
    del request.headers["Authorization"]
    return {
        "authorization": authorization,
        "canonical_request": signer.canonical_request(request),
    }


json.dump([sign(case) for case in json.load(sys.stdin)], sys.stdout)
