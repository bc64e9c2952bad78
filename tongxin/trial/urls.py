from django.urls import path

from tongxin.trial import views

app_name = "trial"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("case/", views.case, name="case"),
    path("courts/<int:pk>/", views.health, name="health"),
    path("courts/<int:pk>/chart/<str:kind>/", views.chart, name="chart"),
    path("courts/<int:pk>/cases/", views.cases, name="cases"),
    path("courts/<int:pk>/pending/", views.pending, name="pending"),
    path("judges/<int:pk>/", views.judge, name="judge"),
    path("judges/<int:pk>/cases/", views.judge_cases, name="judge-cases"),
]
