// The dashboard's static routes serve only the files built into sagad:
// a path that climbs out (`/../`, `%2e%2e`, encoded slashes, absolute and
// backslash paths) is 400 or 404 and never a file of the disk.
#include "tests/abuse/sagad_under_attack.h"

namespace sagad::abuse {
namespace {

class DashboardTraversalTest : public SagadUnderAttack {};

// Files that exist next to sagad's own (its log and store) and on every
// machine: what a traversal would reach.
constexpr std::string_view kTargets[] = {
    "/dashboard/../../../../../../etc/passwd",
    "/dashboard/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/dashboard/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/dashboard/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/dashboard/%252e%252e%252fetc%252fpasswd",
    "/dashboard/..%5c..%5c..%5cetc%5cpasswd",
    "/dashboard/%2fetc%2fpasswd",
    "/dashboard//etc/passwd",
    "/dashboard/%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
    "/dashboard/app.js/../../../etc/passwd",
    "/dashboard/..",
    "/dashboard/.",
    "/dashboard/%00index.html",
    "/dashboard/index.html%00.js",
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd",
    "/etc/passwd",
    "/dashboard/../CMakeLists.txt",
    "/dashboard/embed.cmake",
    "/dashboard/..%2fdashboard_routes.cc",
    "/dashboard/sagad.log",
    "http://abuse/dashboard/../../etc/passwd",
};

TEST_F(DashboardTraversalTest, PathsOutOfTheEmbeddedFilesAre400Or404AndNeverAFile) {
  for (std::string_view target : kTargets) {
    SCOPED_TRACE(target);
    std::optional<RawResponse> response = Call(HttpRequest("GET", target));
    ASSERT_TRUE(response);
    EXPECT_TRUE(response->status == 400 || response->status == 404) << response->status;
    EXPECT_TRUE(IsProblemJson(*response)) << response->body;
    EXPECT_EQ(response->body.find("root:"), std::string::npos) << response->body;
  }
}

TEST_F(DashboardTraversalTest, TheEmbeddedFilesAreServed) {
  // What the refusals above are not: the route works for its own files.
  for (std::string_view target : {"/", "/dashboard/app.js", "/dashboard/style.css"}) {
    SCOPED_TRACE(target);
    std::optional<RawResponse> response = Call(HttpRequest("GET", target));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_FALSE(response->body.empty());
  }
}

}  // namespace
}  // namespace sagad::abuse
