from django.urls import path

from tongxin.evaluation import (
    views,
    views_election,
    views_party,
    views_scheme,
    views_selection,
)

app_name = "evaluation"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("cycles/", views.cycle_list, name="cycle-list"),
    path("cycles/new/", views.cycle_create, name="cycle-create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle-detail"),
    path("cycles/<int:pk>/open/", views.cycle_open, name="cycle-open"),
    path("cycles/<int:pk>/reopen/", views.cycle_reopen, name="cycle-reopen"),
    path("cycles/<int:pk>/compute/", views.cycle_compute, name="cycle-compute"),
    path("cycles/<int:pk>/publish/", views.cycle_publish, name="cycle-publish"),
    path("cycles/<int:pk>/finalize/", views.cycle_finalize, name="cycle-finalize"),
    path("cycles/<int:pk>/raters/new/", views.rater_assign, name="rater-assign"),
    path("cycles/<int:pk>/results.xlsx", views.cycle_xlsx, name="cycle-xlsx"),
    path("cycles/<int:pk>/results.pdf", views.cycle_pdf, name="cycle-pdf"),
    path("cycles/<int:pk>/rating/", views.rating_sheet, name="rating"),
    path("results/<int:pk>/", views.result_mine, name="result-mine"),
    path("results/<int:pk>/pdf/", views.result_pdf, name="result-pdf"),
    path("results/<int:pk>/override/", views.result_override, name="result-override"),
    path("reviews/<int:pk>/answer/", views.review_answer, name="review-answer"),
    path("schemes/", views.scheme_list, name="scheme-list"),
    path("schemes/<int:pk>/edit/", views_scheme.scheme_edit, name="scheme-edit"),
    path("schemes/<int:pk>/json/", views.scheme_json, name="scheme-json"),
    path("democratic/", views_party.democratic_list, name="democratic-list"),
    path("democratic/new/", views_party.democratic_create, name="democratic-create"),
    path("democratic/<int:pk>/", views_party.democratic_detail, name="democratic-detail"),
    path(
        "democratic/<int:pk>/ballot/open/",
        views_party.democratic_vote_open,
        name="democratic-vote-open",
    ),
    path(
        "democratic/<int:pk>/ballot/close/",
        views_party.democratic_vote_close,
        name="democratic-vote-close",
    ),
    path("democratic/<int:pk>/self/", views_party.self_evaluation, name="self-evaluation"),
    path("polls/<int:pk>/", views_party.poll_vote, name="poll-vote"),
    path("commitments/mine/", views_party.commitments_mine, name="commitments-mine"),
    path(
        "commitments/<int:pk>/progress/",
        views_party.commitment_progress,
        name="commitment-progress",
    ),
    path("commitments/<int:pk>/review/", views_party.commitment_review, name="commitment-review"),
    path(
        "commitments/<int:pk>/evaluate/",
        views_party.commitment_evaluate,
        name="commitment-evaluate",
    ),
    path("elections/", views_election.election_list, name="election-list"),
    path("elections/new/", views_election.election_create, name="election-create"),
    path("elections/<int:pk>/", views_election.election_detail, name="election-detail"),
    path("elections/<int:pk>/close/", views_election.election_close, name="election-close"),
    path(
        "elections/<int:pk>/next-round/",
        views_election.election_next_round,
        name="election-next-round",
    ),
    path(
        "elections/<int:pk>/committee/",
        views_election.committee_record,
        name="election-committee",
    ),
    path("selections/", views_selection.selection_list, name="selection-list"),
    path("selections/new/", views_selection.selection_create, name="selection-create"),
    path("selections/<int:pk>/", views_selection.selection_detail, name="selection-detail"),
    path(
        "selections/<int:pk>/nominate/",
        views_selection.selection_nominate,
        name="selection-nominate",
    ),
    path(
        "selections/<int:pk>/ballot/open/",
        views_selection.selection_vote_open,
        name="selection-vote-open",
    ),
    path(
        "selections/<int:pk>/publish/", views_selection.selection_publish, name="selection-publish"
    ),
    path("selections/<int:pk>/honours/", views_selection.selection_close, name="selection-close"),
]
