//! The official AWS SigV4 test suite (the `aws4_testsuite` vectors: request, canonical
//! request, string to sign, Authorization header), the signing-key example of the SigV4
//! documentation, and a GetSecretValue request pinned after checking it against botocore.

use std::time::{Duration, SystemTime};
use team_aws::Credentials;
use team_aws::endpoint::{Endpoint, Region};
use team_aws::secrets_manager::get_secret_value_request;
use team_aws::sigv4::{self, Scope, SignableRequest};

/// The suite's credentials, scope and time.
const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_SCOPE: Scope<'static> = Scope {
    amz_date: "20150830T123600Z",
    region: "us-east-1",
    service: "service",
};

struct Vector {
    name: &'static str,
    method: &'static str,
    /// Raw, as in the request line.
    path: &'static str,
    /// Decoded parameters, in request order.
    query: &'static [(&'static str, &'static str)],
    /// As in the request, repeated names and folded lines included.
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
    canonical_request: &'static [&'static str],
    string_to_sign: &'static [&'static str],
    authorization: &'static str,
}

#[rustfmt::skip]
const SUITE: &[Vector] = &[
    Vector {
        name: "get-vanilla",
        method: "GET",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    },
    Vector {
        name: "get-vanilla-query",
        method: "GET",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    },
    Vector {
        name: "get-vanilla-empty-query-key",
        method: "GET",
        path: "/",
        query: &[("Param1", "value1")],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "Param1=value1", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb",
    },
    Vector {
        name: "get-vanilla-query-order-key",
        method: "GET",
        path: "/",
        query: &[("Param1", "value2"), ("Param1", "Value1")],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "Param1=Value1&Param1=value2", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1",
    },
    Vector {
        name: "get-vanilla-query-order-key-case",
        method: "GET",
        path: "/",
        query: &[("Param2", "value2"), ("Param1", "value1")],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "Param1=value1&Param2=value2", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    },
    Vector {
        name: "get-vanilla-query-order-value",
        method: "GET",
        path: "/",
        query: &[("Param1", "value2"), ("Param1", "value1")],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "Param1=value1&Param1=value2", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "c968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694",
    },
    Vector {
        name: "get-vanilla-query-order-encoded",
        method: "GET",
        path: "/",
        query: &[("Param-3", "Value3"), ("Param", "Value2"), ("ሴ", "Value1")],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "868294f5c38bd141c4972a373a76654f1418a8e4fc18b2e7903ae45e8ae0ec71"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac",
    },
    Vector {
        name: "get-vanilla-query-unreserved",
        method: "GET",
        path: "/",
        query: &[("-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
    },
    Vector {
        name: "get-vanilla-utf8-query",
        method: "GET",
        path: "/",
        query: &[("ሴ", "bar")],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "%E1%88%B4=bar", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
    },
    Vector {
        name: "get-unreserved",
        method: "GET",
        path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
    },
    Vector {
        name: "get-utf8",
        method: "GET",
        path: "/ሴ",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/%E1%88%B4", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
    },
    Vector {
        name: "get-header-key-duplicate",
        method: "GET",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "", "host:example.amazonaws.com", "my-header1:value2,value2,value1", "x-amz-date:20150830T123600Z", "", "host;my-header1;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
    },
    Vector {
        name: "get-header-value-multiline",
        method: "GET",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("My-Header1", "value1
  value2
     value3"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "", "host:example.amazonaws.com", "my-header1:value1 value2 value3", "x-amz-date:20150830T123600Z", "", "host;my-header1;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "e99419459a677bc11de234014be3c4e72c1ea5b454ceb58b613061f5d7a162e8"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd",
    },
    Vector {
        name: "get-header-value-order",
        method: "GET",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"), ("My-Header1", "value2"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "", "host:example.amazonaws.com", "my-header1:value4,value1,value3,value2", "x-amz-date:20150830T123600Z", "", "host;my-header1;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01",
    },
    Vector {
        name: "get-header-value-trim",
        method: "GET",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["GET", "/", "", "host:example.amazonaws.com", "my-header1:value1", "my-header2:\"a b c\"", "x-amz-date:20150830T123600Z", "", "host;my-header1;my-header2;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
    },
    Vector {
        name: "get-vanilla-with-session-token",
        method: "GET",
        path: "/",
        query: &[],
        // The suite's request file leaves the token out; its context adds it as a header.
        headers: &[
            ("Host", "example.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"),
        ],
        body: "",
        canonical_request: &["GET", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "x-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267", "", "host;x-amz-date;x-amz-security-token", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
    },
    Vector {
        name: "post-vanilla",
        method: "POST",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["POST", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    },
    Vector {
        name: "post-vanilla-query",
        method: "POST",
        path: "/",
        query: &[("Param1", "value1")],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["POST", "/", "Param1=value1", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
    },
    Vector {
        name: "post-vanilla-empty-query-value",
        method: "POST",
        path: "/",
        query: &[("Param1", "value1")],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["POST", "/", "Param1=value1", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
    },
    Vector {
        name: "post-header-key-case",
        method: "POST",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["POST", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    },
    Vector {
        name: "post-header-key-sort",
        method: "POST",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("My-Header1", "value1"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["POST", "/", "", "host:example.amazonaws.com", "my-header1:value1", "x-amz-date:20150830T123600Z", "", "host;my-header1;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c",
    },
    Vector {
        name: "post-header-value-case",
        method: "POST",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("My-Header1", "VALUE1"), ("X-Amz-Date", "20150830T123600Z")],
        body: "",
        canonical_request: &["POST", "/", "", "host:example.amazonaws.com", "my-header1:VALUE1", "x-amz-date:20150830T123600Z", "", "host;my-header1;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
    },
    Vector {
        name: "post-x-www-form-urlencoded",
        method: "POST",
        path: "/",
        query: &[],
        headers: &[("Content-Type", "application/x-www-form-urlencoded"), ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "Param1=value1",
        canonical_request: &["POST", "/", "", "content-type:application/x-www-form-urlencoded", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "content-type;host;x-amz-date", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    },
    Vector {
        name: "post-x-www-form-urlencoded-parameters",
        method: "POST",
        path: "/",
        query: &[],
        headers: &[("Content-Type", "application/x-www-form-urlencoded; charset=utf8"), ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
        body: "Param1=value1",
        canonical_request: &["POST", "/", "", "content-type:application/x-www-form-urlencoded; charset=utf8", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "content-type;host;x-amz-date", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "2e1cf7ed91881a30569e46552437e4156c823447bf1781b921b5d486c568dd1c"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe",
    },
    Vector {
        name: "post-sts-header-before",
        method: "POST",
        path: "/",
        query: &[],
        headers: &[("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"), ("X-Amz-Security-Token", "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==")],
        body: "",
        canonical_request: &["POST", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "x-amz-security-token:AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==", "", "host;x-amz-date;x-amz-security-token", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        string_to_sign: &["AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request", "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6"],
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
    },

];

#[test]
fn every_suite_vector_signs_as_published() {
    let mut failures = Vec::new();
    for vector in SUITE {
        let request = SignableRequest {
            method: vector.method,
            path: vector.path,
            query: vector.query,
            headers: vector.headers,
            body: vector.body.as_bytes(),
        };
        let signature = sigv4::sign(&request, &SUITE_SCOPE, ACCESS_KEY_ID, SECRET_ACCESS_KEY);
        let expected_canonical = vector.canonical_request.join("\n");
        let expected_string_to_sign = vector.string_to_sign.join("\n");
        if signature.canonical_request != expected_canonical {
            failures.push(format!(
                "{}: canonical request\n--- got\n{}\n--- want\n{expected_canonical}",
                vector.name, signature.canonical_request
            ));
        }
        if signature.string_to_sign != expected_string_to_sign {
            failures.push(format!(
                "{}: string to sign\n{}",
                vector.name, signature.string_to_sign
            ));
        }
        if signature.authorization != vector.authorization {
            failures.push(format!(
                "{}: authorization\n{}",
                vector.name, signature.authorization
            ));
        }
    }
    assert!(SUITE.len() >= 25, "the suite lost vectors");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_documented_signing_key_is_derived() {
    // SigV4 documentation: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215,
    // us-east-1, iam.
    let scope = Scope {
        amz_date: "20120215T000000Z",
        region: "us-east-1",
        service: "iam",
    };
    let key = sigv4::signing_key(SECRET_ACCESS_KEY, &scope);
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
}

#[test]
fn a_changed_input_changes_the_signature() {
    let base = SUITE
        .iter()
        .find(|v| v.name == "post-x-www-form-urlencoded")
        .unwrap();
    let sign = |body: &str, scope: &Scope<'_>, secret: &str| {
        let request = SignableRequest {
            method: base.method,
            path: base.path,
            query: base.query,
            headers: base.headers,
            body: body.as_bytes(),
        };
        sigv4::sign(&request, scope, ACCESS_KEY_ID, secret).signature
    };
    let reference = sign(base.body, &SUITE_SCOPE, SECRET_ACCESS_KEY);
    assert_ne!(
        reference,
        sign("Param1=value2", &SUITE_SCOPE, SECRET_ACCESS_KEY)
    );
    assert_ne!(reference, sign(base.body, &SUITE_SCOPE, "another-secret"));
    let other_region = Scope {
        region: "us-east-2",
        ..SUITE_SCOPE
    };
    assert_ne!(reference, sign(base.body, &other_region, SECRET_ACCESS_KEY));
}

/// A GetSecretValue request with temporary credentials, every step written out; the same
/// values come from botocore (see `tests/botocore.rs`).
#[test]
fn a_get_secret_value_request_is_signed_as_checked_by_hand() {
    let region = Region::new("us-east-2").unwrap();
    let endpoint = Endpoint::parse("https://secretsmanager.us-east-2.amazonaws.com").unwrap();
    let credentials = Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        Some("session-token-example".to_string()),
        None,
    );
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let signed =
        get_secret_value_request(&endpoint, &region, "posit-team/workload", &credentials, at);

    assert_eq!(
        signed.url,
        "https://secretsmanager.us-east-2.amazonaws.com/"
    );
    assert_eq!(
        signed.body,
        r#"{"SecretId":"posit-team/workload","VersionStage":"AWSCURRENT"}"#
    );
    let expected_headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("host", "secretsmanager.us-east-2.amazonaws.com"),
        ("x-amz-date", "20150830T123600Z"),
        ("x-amz-target", "secretsmanager.GetSecretValue"),
        ("x-amz-security-token", "session-token-example"),
        ("user-agent", team_aws::USER_AGENT),
        (
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-2/secretsmanager/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, \
             Signature=7cef033c45aef30483118d0186ea487c7baefb8707a709bebc877280c70e9e8e",
        ),
    ];
    let headers: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(headers, expected_headers);

    // The intermediate steps, from the same inputs.
    let signable: Vec<(&str, &str)> = headers[..5].to_vec();
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: &[],
        headers: &signable,
        body: signed.body.as_bytes(),
    };
    let scope = Scope {
        amz_date: "20150830T123600Z",
        region: "us-east-2",
        service: "secretsmanager",
    };
    let signature = sigv4::sign(&request, &scope, ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    assert_eq!(
        signature.canonical_request,
        "POST\n/\n\n\
         content-type:application/x-amz-json-1.1\n\
         host:secretsmanager.us-east-2.amazonaws.com\n\
         x-amz-date:20150830T123600Z\n\
         x-amz-security-token:session-token-example\n\
         x-amz-target:secretsmanager.GetSecretValue\n\n\
         content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n\
         84fafa7bed7edfe2178d0ef105b83d9f4851352bd4adb7f9fc1063bd447c91b8"
    );
    assert_eq!(
        signature.string_to_sign,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-2/secretsmanager/aws4_request\n\
         43d8e317582f39a91883bcc82ab7144b75a93aac81113725408e636108010896"
    );
    assert_eq!(
        signature.signature,
        "7cef033c45aef30483118d0186ea487c7baefb8707a709bebc877280c70e9e8e"
    );
}
