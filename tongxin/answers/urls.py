from django.urls import path

from tongxin.answers import views, views_plan

app_name = "answers"

urlpatterns = [
    path("opinions/", views.opinion_list, name="opinion-list"),
    path("opinions/mine/", views.opinion_mine, name="opinion-mine"),
    path("opinions/new/", views.opinion_submit, name="opinion-submit"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion-detail"),
    path("opinions/<int:pk>/answer/", views.opinion_answer, name="opinion-answer"),
    path("opinions/<int:pk>/merge/", views.opinion_merge, name="opinion-merge"),
    path("opinions/<int:pk>/task/", views.opinion_task, name="opinion-task"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/mine/", views.task_mine, name="task-mine"),
    path("tasks/figures/", views_plan.figures, name="figures"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/from/<str:model>/<int:pk>/", views_plan.task_from_source, name="task-from-source"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task-progress"),
    path("tasks/<int:pk>/<slug:action>/", views.task_act, name="task-act"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
    path("lists/", views_plan.resp_list, name="resp-list"),
    path("lists/new/<int:court_pk>/", views_plan.resp_create, name="resp-create"),
    path("lists/new/org/<int:org_pk>/", views_plan.resp_create_org, name="resp-create-org"),
    path("lists/<int:pk>/", views_plan.resp_detail, name="resp-detail"),
    path("lists/<int:pk>/copy/", views_plan.resp_copy, name="resp-copy"),
    path("lists/<int:pk>/items/new/", views_plan.item_create, name="item-create"),
    path("lists/items/<int:pk>/", views_plan.item_edit, name="item-edit"),
    path("lists/items/<int:pk>/task/", views_plan.item_task, name="item-task"),
    path("tours/", views_plan.tour_list, name="tour-list"),
    path("tours/new/<int:court_pk>/", views_plan.tour_create, name="tour-create"),
    path("tours/<int:pk>/", views_plan.tour_detail, name="tour-detail"),
    path("tours/<int:pk>/edit/", views_plan.tour_edit, name="tour-edit"),
    path("tours/<int:pk>/findings/new/", views_plan.finding_create, name="finding-create"),
    path("tours/findings/<int:pk>/task/", views_plan.finding_task, name="finding-task"),
]
