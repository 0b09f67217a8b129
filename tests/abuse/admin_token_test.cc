// sagad runs with --admin-token: a mutating request without it is 401, with
// a wrong one 403, and neither changes anything; with it, the same request
// does (so the refusals are the token's doing, not the request's).
#include "tests/abuse/sagad_under_attack.h"

namespace sagad::abuse {
namespace {

class AdminTokenTest : public SagadUnderAttack {
 protected:
  // The start of a valid order with `auth_header`: its status, and how many
  // sagas it started.
  struct Outcome {
    int status = 0;
    std::size_t sagas_started = 0;
  };
  static Outcome Start(std::string_view order_id, std::string_view auth_header) {
    std::size_t before = SagaCount();
    std::optional<RawResponse> response = Call(StartPlaceOrder(ValidPlaceOrderBody(order_id), auth_header));
    EXPECT_TRUE(response) << "no answer within " << kPatience.count() << " s";
    if (response && response->status >= 400) {
      EXPECT_TRUE(IsProblemJson(*response)) << response->body;
    }
    return {response ? response->status : 0, SagaCount() - before};
  }
};

TEST_F(AdminTokenTest, AStartWithoutTheTokenIs401AndStartsNothing) {
  for (std::string_view header : {"", "Authorization: Bearer \r\n", "Authorization: Basic YWRtaW46YWRtaW4=\r\n",
                                  "Authorization: abuse-suite-admin-token\r\n"}) {
    SCOPED_TRACE(header);
    Outcome o = Start("o-401", header);
    EXPECT_EQ(o.status, 401);
    EXPECT_EQ(o.sagas_started, 0u);
  }
}

TEST_F(AdminTokenTest, AStartWithAWrongTokenIs403AndStartsNothing) {
  const std::string token = kAdminToken;
  for (std::string wrong : {std::string("wrong"), token.substr(0, token.size() - 1), token + "x",
                            token.substr(0, token.size() - 1) + "X", token + token}) {
    SCOPED_TRACE(wrong);
    Outcome o = Start("o-403", "Authorization: Bearer " + wrong + "\r\n");
    EXPECT_EQ(o.status, 403);
    EXPECT_EQ(o.sagas_started, 0u);
  }
}

TEST_F(AdminTokenTest, AnOperatorActionWithoutTheTokenIs401) {
  std::optional<RawResponse> response =
      Call(HttpRequest("POST", "/v1/sagas/PlaceOrder:o-1/abort", "{\"reason\":\"abuse\"}"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
}

TEST_F(AdminTokenTest, TheSameStartWithTheTokenStartsOneSaga) {
  Outcome o = Start("o-with-token", AdminHeader());
  EXPECT_EQ(o.status, 201);
  EXPECT_EQ(o.sagas_started, 1u);
}

}  // namespace
}  // namespace sagad::abuse
