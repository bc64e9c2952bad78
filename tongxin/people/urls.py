from django.urls import path

from tongxin.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_edit, name="person-create"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("<int:pk>/move/", views.person_move, name="person-move"),
    path("dues/<int:pk>/", views.dues, name="dues"),
    path("cells/<int:pk>/", views.cell_assign, name="cell-assign"),
]
