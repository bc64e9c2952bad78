from django.urls import path

from tongxin.meetings import reports, views, views_calendar, views_compliance

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/<int:org_pk>/", views.meeting_create, name="meeting-create"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("<int:pk>/attendance/", views.attendance_edit, name="attendance"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/sign-off/", views.meeting_sign_off, name="sign-off"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/critique/", views.critique_edit, name="critique"),
    path("<int:pk>/issues/", views.issue_add, name="issue-add"),
    path("plan/<int:pk>/", views.plan_year, name="plan"),
    path("calendar/", views_calendar.my_calendar, name="my-calendar"),
    path("calendar/org/<int:pk>/", views_calendar.org_calendar, name="org-calendar"),
    path("people/<int:pk>/", views_calendar.org_people, name="org-people"),
    path("feeds/", views_calendar.feed_page, name="feed-page"),
    path("feeds/<str:token>/me.ics", views_calendar.feed_person, name="feed-person"),
    path("feeds/<str:token>/org/<int:org_pk>.ics", views_calendar.feed_org, name="feed-org"),
    path("compliance/", views_compliance.heatmap, name="heatmap"),
    path("compliance/data/", views_compliance.heatmap_data, name="heatmap-data"),
    path("compliance/explain/", views_compliance.explain, name="explain"),
    path("rules/", views_compliance.rule_list, name="rule-list"),
    path("rules/new/", views_compliance.rule_create, name="rule-create"),
    path("report/org/<int:pk>.xlsx", reports.org_xlsx, name="report-org-xlsx"),
    path("report/org/<int:pk>.pdf", reports.org_pdf, name="report-org-pdf"),
    path("report/court/<int:pk>.xlsx", reports.court_xlsx, name="report-court-xlsx"),
    path("report/court/<int:pk>.pdf", reports.court_pdf, name="report-court-pdf"),
]
