from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from homecoming.accounts import views as accounts_views
from homecoming.accounts.personal import no_personal_data
from homecoming.housing import api as housing_api
from homecoming.mineaction import api as mineaction_api
from homecoming.monitoring import api as monitoring_api
from homecoming.places import api as places_api
from homecoming.places import urls as places_urls
from homecoming.programmes import api as programmes_api
from homecoming.registry import api as registry_api
from homecoming.registry import urls as registry_urls
from homecoming.returns import api as returns_api
from homecoming.site import import_views
from homecoming.site import views as site_views

api_patterns = [
    path("schema/", no_personal_data(SpectacularAPIView.as_view()), name="schema"),
    # The documentation sends an anonymous visitor to sign in; the schema answers 401.
    path(
        "docs/",
        no_personal_data(
            login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))
        ),
        name="docs",
    ),
    path("places/areas/", places_api.AreaListApi.as_view(), name="area_list"),
    path("places/settlements/", places_api.SettlementListApi.as_view(), name="settlement_list"),
    path(
        "places/settlements/<str:code>/",
        places_api.SettlementDetailApi.as_view(),
        name="settlement_detail",
    ),
    path(
        "mineaction/hazard-areas/",
        mineaction_api.HazardAreaListApi.as_view(),
        name="hazard_area_list",
    ),
    path("mineaction/activities/", mineaction_api.ActivityListApi.as_view(), name="activity_list"),
    path(
        "mineaction/device-reports/",
        mineaction_api.DeviceReportListApi.as_view(),
        name="device_report_list",
    ),
    path("mineaction/casualties/", mineaction_api.CasualtiesApi.as_view(), name="casualties"),
    path("housing/projects/", housing_api.ProjectListApi.as_view(), name="project_list"),
    path("housing/units/", housing_api.UnitListApi.as_view(), name="unit_list"),
    path("housing/utilities/", housing_api.UtilityListApi.as_view(), name="utility_list"),
    path(
        "housing/settlements/<str:code>/readiness/",
        housing_api.SettlementReadinessApi.as_view(),
        name="settlement_readiness",
    ),
    path("returns/cohorts/", returns_api.CohortListApi.as_view(), name="cohort_list"),
    path(
        "returns/households/<int:household_id>/road/",
        returns_api.HouseholdRoadApi.as_view(),
        name="household_road",
    ),
    path(
        "monitoring/discrepancies/",
        monitoring_api.DiscrepancyListApi.as_view(),
        name="discrepancy_list",
    ),
    path("monitoring/targets/", monitoring_api.TargetListApi.as_view(), name="target_list"),
    path("monitoring/forecast/", monitoring_api.ForecastApi.as_view(), name="forecast"),
    path("programmes/", programmes_api.ProgrammeListApi.as_view(), name="programme_list"),
    path(
        "programmes/policy-versions/",
        programmes_api.PolicyVersionListApi.as_view(),
        name="policy_version_list",
    ),
    path(
        "programmes/<slug:code>/",
        programmes_api.ProgrammeDetailApi.as_view(),
        name="programme_detail",
    ),
    path("registry/households/", registry_api.HouseholdListApi.as_view(), name="household_list"),
    path(
        "registry/households/<int:household_id>/changes/",
        registry_api.ChangeProposalApi.as_view(),
        name="household_change_proposal",
    ),
    path(
        "registry/field-submissions/",
        registry_api.FieldSubmissionPushApi.as_view(),
        name="field_submission_push",
    ),
    path(
        "registry/households/<int:household_id>/",
        registry_api.HouseholdDetailApi.as_view(),
        name="household_detail",
    ),
]

# The places pages, and the settlement and area pages that also show the domains (top layer).
place_patterns = [
    *places_urls.urlpatterns,
    path("settlements/<str:code>/", site_views.settlement_detail, name="settlement_detail"),
    path("areas/<str:code>/", site_views.area_detail, name="area_detail"),
]

# The registry's pages, and those that also show or change returns (top layer): the household
# list with each household's eligibility, its export, the household page with its road home,
# and the withdrawal and the judgement of a pair, which free the offer and seat withdrawn.
registry_patterns = [
    *registry_urls.urlpatterns,
    path("households/", site_views.household_list, name="household_list"),
    path("households/export.csv", site_views.household_export, name="household_export"),
    path("households/<int:household_id>/", site_views.household_detail, name="household_detail"),
    path(
        "households/<int:household_id>/withdraw/",
        site_views.household_withdraw,
        name="household_withdraw",
    ),
    path(
        "duplicates/<int:candidate_id>/resolve/",
        site_views.duplicate_resolve,
        name="duplicate_resolve",
    ),
]

# Imports from the browser and their history (top layer: every kind of every app).
import_patterns = [
    path("", import_views.import_list, name="import_list"),
    path("new/", import_views.import_upload, name="import_upload"),
    path("<int:run_id>/", import_views.import_detail, name="import_detail"),
    path("<int:run_id>/progress/", import_views.import_progress, name="import_progress"),
    path("<int:run_id>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("<int:run_id>/errors.csv", import_views.import_annotated, name="import_annotated"),
]

urlpatterns = [
    path("", site_views.home, name="home"),
    path("health/", site_views.health, name="health"),
    path("accounts/login/", no_personal_data(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", no_personal_data(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "accounts/password/",
        no_personal_data(
            auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html")
        ),
        name="password_change",
    ),
    path(
        "accounts/password/changed/",
        no_personal_data(
            auth_views.PasswordChangeDoneView.as_view(
                template_name="accounts/password_change_done.html"
            )
        ),
        name="password_change_done",
    ),
    path("accounts/api-tokens/", accounts_views.api_tokens, name="api_tokens"),
    path(
        "accounts/api-tokens/<int:token_id>/revoke/",
        accounts_views.revoke_api_token,
        name="api_token_revoke",
    ),
    path("accounts/two-factor/", accounts_views.totp_verify, name="totp_verify"),
    path("accounts/two-factor/enrol/", accounts_views.totp_enrol, name="totp_enrol"),
    path("accounts/access-log/", accounts_views.access_log, name="access_log"),
    path(
        "accounts/history/<str:kind>/<str:key>/",
        site_views.record_history,
        name="record_history",
    ),
    path("i18n/setlang/", no_personal_data(set_language), name="set_language"),
    path("places/", include((place_patterns, "places"))),
    path("registry/", include((registry_patterns, "registry"))),
    path("programmes/", include("homecoming.programmes.urls")),
    path("monitoring/", include("homecoming.monitoring.urls")),
    path("mineaction/", include("homecoming.mineaction.urls")),
    path("housing/", include("homecoming.housing.urls")),
    path("returns/", include("homecoming.returns.urls")),
    path("heritage/", include("homecoming.heritage.urls")),
    path("imports/", include(import_patterns)),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]

# The error pages, in the site's frame (core/views.py).
handler400 = "homecoming.core.views.bad_request"
handler403 = "homecoming.core.views.permission_denied"
handler404 = "homecoming.core.views.not_found"
handler500 = "homecoming.core.views.server_error"
