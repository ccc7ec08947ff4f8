package parse

import (
	"testing"
)

// TestExtractTokenserverAccounts covers the desktop tokenserver and
// accounts lines beside the Sync.Resource ones (domain.md §3).
func TestExtractTokenserverAccounts(t *testing.T) {
	const (
		ts      = "https://token.services.mozilla.com/1.0/sync/1.5"
		fxa     = "https://api.accounts.firefox.com/v1/oauth/token"
		devices = "https://api.accounts.firefox.com/v1/account/devices?filterIdleDevices=true"
		body401 = `{\"status\": \"invalid-credentials\", \"errors\": [{\"location\": \"body\", \"name\": \"\", \"description\": \"Unauthorized\"}]}`
	)
	authErr := "1756106330714\tSync.SyncAuthManager\tERROR\tAuthentication error in _fetchTokenForUser: " +
		`{"details":{"now":"2025-08-25T07:18:50.712Z","message":"Authentication failed.","cause":"invalid-credentials","response_body":"` + body401 +
		`","response_headers":{"content-type":"application/json"},"response_status":401,"name":"TokenServerClientServerError"},"source":"tokenserver"}` + "\n"
	tests := []eventCase{
		{
			name: "401 retry line repeats the token response; the retry's 2025 error JSON gives its body",
			log: "1756106330411\tServices.Common.RESTRequest\tDEBUG\tGET " + ts + " 401\n" +
				"1756106330412\tServices.Common.TokenServerClient\tDEBUG\tGot token response: 401\n" +
				"1756106330413\tSync.SyncAuthManager\tWARN\tToken server returned 401, retrying token fetch with fresh credentials\n" +
				"1756106330702\tServices.Common.RESTRequest\tDEBUG\tGET " + ts + " 401\n" +
				"1756106330703\tServices.Common.TokenServerClient\tDEBUG\tGot token response: 401\n" +
				authErr,
			want: []string{
				"resp 1 GET 401 " + ts,
				"resp 4 GET 401 " + ts + ` body="{\"status\": \"invalid-credentials\", \"errors\": [{\"location\": \"body\", \"name\": \"\", \"description\": \"Unauthorized\"}]}"`,
			},
		},
		{
			name: "401 retry line alone is a tokenserver response without a URL; a second one is another",
			log: "1756106330413\tSync.SyncAuthManager\tWARN\tToken server returned 401, retrying token fetch with fresh credentials\n" +
				"1756106330713\tSync.SyncAuthManager\tWARN\tToken server returned 401, retrying token fetch with fresh credentials\n",
			want: []string{"resp 1  401 ", "resp 2  401 "},
		},
		{
			name: "401 retry line minutes after a 401 token response is another response",
			log: "1756106330411\tServices.Common.RESTRequest\tDEBUG\tGET " + ts + " 401\n" +
				"1756106330412\tServices.Common.TokenServerClient\tDEBUG\tGot token response: 401\n" +
				"1756106930413\tSync.SyncAuthManager\tWARN\tToken server returned 401, retrying token fetch with fresh credentials\n",
			want: []string{"resp 1 GET 401 " + ts, "resp 3  401 "},
		},
		{
			name: "Hawk (Response) minutes after a REST response is another response",
			log: "1756106022920\tServices.Common.RESTRequest\tDEBUG\tPOST " + fxa + " 200\n" +
				"1756106622921\tHawk\tDEBUG\t(Response) /oauth/token: code: 200 - Status text: \n",
			want: []string{"resp 1 POST 200 " + fxa, "resp 2  200 /oauth/token"},
		},
		{
			name: "2025 error JSON alone is one response with status and body",
			log:  authErr,
			want: []string{`resp 1  401  body="{\"status\": \"invalid-credentials\", \"errors\": [{\"location\": \"body\", \"name\": \"\", \"description\": \"Unauthorized\"}]}"`},
		},
		{
			name: "Token server line that is not a status counts nowhere",
			log: "1756106330413\tSync.SyncAuthManager\tWARN\tToken server returned 4011 things\n" +
				"1756106330414\tSync.SyncAuthManager\tWARN\tToken server returned an invalid response\n" +
				"1756106330415\tSync.SyncAuthManager\tWARN\tToken server returned 000\n",
			want: nil,
		},
		{
			name: "Hawk (Response) repeats the REST response just logged",
			log: "1756106022920\tServices.Common.RESTRequest\tDEBUG\tPOST " + fxa + " 200\n" +
				"1756106022921\tHawk\tDEBUG\t(Response) /oauth/token: code: 200 - Status text: \n" +
				"1756106022930\tServices.Common.RESTRequest\tDEBUG\tGET " + devices + " 401\n" +
				"1756106022931\tHawk\tDEBUG\t(Response) /account/devices?filterIdleDevices=true: code: 401 - Status text: Unauthorized\n",
			want: []string{"resp 1 POST 200 " + fxa, "resp 3 GET 401 " + devices},
		},
		{
			name: "Hawk (Response) with nothing just logged is a response of its own",
			log: "1756106022921\tHawk\tDEBUG\t(Response) /oauth/token: code: 200 - Status text: OK\n" +
				"1756106022922\tHawk\tDEBUG\t(Response) /oauth/token: code: 200 - Status text: OK\n",
			want: []string{"resp 1  200 /oauth/token", "resp 2  200 /oauth/token"},
		},
		{
			name: "Hawk (Response) of another status or path than the pending response is another",
			log: "1756106022920\tServices.Common.RESTRequest\tDEBUG\tPOST " + fxa + " 200\n" +
				"1756106022921\tHawk\tDEBUG\t(Response) /oauth/token: code: 400 - Status text: Bad Request\n" +
				"1756106022922\tHawk\tDEBUG\t(Response) /account/keys: code: 400 - Status text: Bad Request\n",
			want: []string{"resp 1 POST 200 " + fxa, "resp 2  400 " + fxa, "resp 3  400 /account/keys"},
		},
		{
			name: "Hawk (Response) without an HTTP status counts nowhere",
			log: "1756106022921\tHawk\tDEBUG\t(Response) /oauth/token: code: 0 - Status text: \n" +
				"1756106022922\tHawk\tDEBUG\t(Response) /oauth/token: code:  - Status text: \n" +
				"1756106022923\tHawk\tDEBUG\t(Response) : code: 200 - Status text: \n" +
				"1756106022924\tHawk\tDEBUG\t(Response) /oauth/token\n",
			want: nil,
		},
		{
			name: "Channel status codes are not HTTP statuses",
			log: "1756106022920\tServices.Common.RESTRequest\tDEBUG\tChannel for GET " + ts + " returned status code 0\n" +
				"1756106022921\tServices.Common.RESTRequest\tDEBUG\tGET " + ts + " 200\n" +
				"1756106022922\tServices.Common.RESTRequest\tDEBUG\tChannel for GET " + ts + " returned status code 503\n" +
				"1756106022923\tServices.Common.RESTRequest\tDEBUG\tChannel for GET " + ts + " returned status code 2152398861\n",
			want: []string{"resp 2 GET 200 " + ts},
		},
	}
	runEvents(t, tests)
}
